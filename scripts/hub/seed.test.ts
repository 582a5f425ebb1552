import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RECORD_FILE, seedHome } from "./seed";

let tmp: string, lessons: string, home: string, folder: string;
const project = process.cwd();
const nb = (text: string) =>
  JSON.stringify({
    cells: [{ cell_type: "markdown", source: text, metadata: {} }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  });
const read = (f: string) => fs.readFileSync(path.join(folder, f), "utf8");
const seed = (now = new Date("2026-12-03T10:00:00Z")) => seedHome({ home, lessons, project, now });

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-seed-"));
  lessons = path.join(tmp, "notebooks");
  home = path.join(tmp, "homes", "ada");
  folder = path.join(home, "vae-lab");
  fs.mkdirSync(lessons, { recursive: true });
  fs.writeFileSync(path.join(lessons, "01_swiss_roll_vae.ipynb"), nb("lesson 1 v1"));
  fs.writeFileSync(path.join(lessons, "02_mnist_vae.ipynb"), nb("lesson 2 v1"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("seeding a student's home", () => {
  it("copies every released lesson on first login, and links the library so notebooks can import vae-lab", () => {
    const r = seed();
    expect(r.added).toEqual(["01_swiss_roll_vae.ipynb", "02_mnist_vae.ipynb"]);
    expect(read("01_swiss_roll_vae.ipynb")).toBe(nb("lesson 1 v1"));
    expect(fs.realpathSync(path.join(home, "node_modules", "vae-lab"))).toBe(fs.realpathSync(project));
    expect(JSON.parse(read(RECORD_FILE)).delivered).toHaveProperty("01_swiss_roll_vae.ipynb");
    expect(r.linkProblem).toBeUndefined();
  });

  it("never touches the student's work on later logins", () => {
    seed();
    fs.writeFileSync(path.join(folder, "01_swiss_roll_vae.ipynb"), nb("my answers"));
    const r = seed();
    expect(read("01_swiss_roll_vae.ipynb")).toBe(nb("my answers"));
    expect(r).toMatchObject({ added: [], replaced: [], updateCopies: [] });
    expect(fs.readdirSync(folder).sort()).toEqual(
      [RECORD_FILE, "01_swiss_roll_vae.ipynb", "02_mnist_vae.ipynb"].sort(),
    );
  });

  it("after a lesson update: adds new lessons, replaces untouched ones, and puts the new version of a changed one next to it, once", () => {
    seed();
    fs.writeFileSync(path.join(folder, "01_swiss_roll_vae.ipynb"), nb("my answers"));
    fs.writeFileSync(path.join(lessons, "01_swiss_roll_vae.ipynb"), nb("lesson 1 v2"));
    fs.writeFileSync(path.join(lessons, "02_mnist_vae.ipynb"), nb("lesson 2 v2"));
    fs.writeFileSync(path.join(lessons, "03_new.ipynb"), nb("lesson 3"));
    const r = seed();
    expect(r.added).toEqual(["03_new.ipynb"]);
    expect(r.replaced).toEqual(["02_mnist_vae.ipynb"]);
    expect(r.updateCopies).toEqual([["01_swiss_roll_vae.ipynb", "01_swiss_roll_vae (updated 2026-12-03).ipynb"]]);
    expect(read("01_swiss_roll_vae.ipynb")).toBe(nb("my answers"));
    expect(read("01_swiss_roll_vae (updated 2026-12-03).ipynb")).toBe(nb("lesson 1 v2"));
    expect(read("02_mnist_vae.ipynb")).toBe(nb("lesson 2 v2"));
    expect(seed()).toMatchObject({ added: [], replaced: [], updateCopies: [] });
    // A second update the same day gets a name of its own; the first copy stays.
    fs.writeFileSync(path.join(lessons, "01_swiss_roll_vae.ipynb"), nb("lesson 1 v3"));
    expect(seed().updateCopies).toEqual([
      ["01_swiss_roll_vae.ipynb", "01_swiss_roll_vae (updated 2026-12-03, 2).ipynb"],
    ]);
    expect(read("01_swiss_roll_vae (updated 2026-12-03).ipynb")).toBe(nb("lesson 1 v2"));
  });

  it("gives a deleted lesson back", () => {
    seed();
    fs.rmSync(path.join(folder, "02_mnist_vae.ipynb"));
    expect(seed().added).toEqual(["02_mnist_vae.ipynb"]);
  });

  it("without its record (deleted), keeps a file that differs from the release and delivers the release next to it", () => {
    seed();
    fs.writeFileSync(path.join(folder, "01_swiss_roll_vae.ipynb"), nb("my answers"));
    fs.rmSync(path.join(folder, RECORD_FILE));
    const r = seed();
    expect(r.updateCopies.map(([a]) => a)).toEqual(["01_swiss_roll_vae.ipynb"]);
    expect(read("01_swiss_roll_vae.ipynb")).toBe(nb("my answers"));
  });

  it("never writes through a symbolic link: a linked lessons folder is refused, a linked lesson left alone", () => {
    const elsewhere = path.join(tmp, "elsewhere");
    fs.mkdirSync(elsewhere);
    fs.mkdirSync(home, { recursive: true });
    fs.symlinkSync(elsewhere, folder);
    expect(() => seed()).toThrow(/symbolic link/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    fs.unlinkSync(folder);
    fs.mkdirSync(folder);
    const target = path.join(elsewhere, "target.ipynb");
    fs.symlinkSync(target, path.join(folder, "01_swiss_roll_vae.ipynb"));
    expect(seed().kept).toContain("01_swiss_roll_vae.ipynb");
    expect(fs.existsSync(target)).toBe(false);
  });

  it("leaves a student's own node_modules/vae-lab folder alone, and says so", () => {
    fs.mkdirSync(path.join(home, "node_modules", "vae-lab"), { recursive: true });
    expect(seed().linkProblem).toMatch(/not a link to vae-lab/);
    expect(fs.lstatSync(path.join(home, "node_modules", "vae-lab")).isDirectory()).toBe(true);
  });
});
