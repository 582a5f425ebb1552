# JupyterHub configuration for a vae-lab class (docs/course-setup.md). `npm run hub` starts
# JupyterHub with this file and VAE_LAB_HUB=<state folder>; every value that varies (ports, users,
# authenticator, limits, the commands to run) comes from <state folder>/hub.json, which
# scripts/hub.ts writes. Keep logic out of here: this file only maps hub.json onto JupyterHub's
# settings, and seeding a home is our TypeScript (scripts/hub/seed.ts), run as the student.
import asyncio
import json
import os
import pwd

c = get_config()  # noqa: F821 (JupyterHub provides it)

state = os.environ["VAE_LAB_HUB"]
with open(os.path.join(state, "hub.json"), encoding="utf-8") as f:
    s = json.load(f)
private = os.path.join(state, "private")
demo = s["mode"] == "demo"

# Where it listens. The hub's own API and the proxy's API stay on loopback whatever --host says.
c.JupyterHub.bind_url = s["bindUrl"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s["hubPort"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % s["proxyApiPort"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(private, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(private, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(private, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(private, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server
c.JupyterHub.cleanup_proxy = True

# Who can log in.
if demo:
    c.JupyterHub.authenticator_class = "dummy"
    c.DummyAuthenticator.password = s["demoPassword"]
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(s["homes"], "{username}")
else:
    c.JupyterHub.authenticator_class = "pam"
    c.JupyterHub.spawner_class = "localprocess"
    if s["groups"]:
        c.PAMAuthenticator.allowed_groups = set(s["groups"])
if s["users"]:
    c.Authenticator.allowed_users = set(s["users"])
c.Authenticator.admin_users = set(s["admins"])


def home_of(spawner):
    return spawner.home_dir if demo else pwd.getpwnam(spawner.user.name).pw_dir


async def seed_lessons(spawner):
    """Before every server start: the student's lessons, by our seeding code, run as the student."""
    name = spawner.user.name
    home = home_of(spawner)
    as_user = {}
    if demo:
        os.makedirs(home, 0o755, exist_ok=True)
    else:
        pw = pwd.getpwnam(name)
        if not os.path.isdir(home):  # as pam_mkhomedir would
            os.makedirs(home, 0o755)
            os.chown(home, pw.pw_uid, pw.pw_gid)
        if os.getuid() == 0:
            as_user = dict(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "USER": name, "LANG": "C.UTF-8"}
    proc = await asyncio.create_subprocess_exec(
        *s["seedCommand"], home, cwd=home, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, **as_user)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    text = out.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        raise RuntimeError("vae-lab could not prepare the lessons for %s: %s" % (name, text))
    spawner.log.info("vae-lab lessons for %s: %s", name, text)


c.Spawner.pre_spawn_hook = seed_lessons

# Each student's server: the vae-lab kernel on its Jupyter path, the lessons' folder first,
# the limits the local spawner can enforce in the command (prlimit), the others declared.
c.Spawner.cmd = s["singleuserCmd"]
c.Spawner.args = s["singleuserArgs"]
c.Spawner.default_url = "/tree/" + s["lessonsFolder"]
env = dict(s["environment"])
env["VAE_LAB_CACHE"] = lambda spawner: os.path.join(home_of(spawner), ".cache", "vae-lab")
c.Spawner.environment = env
if s["memLimit"]:
    c.Spawner.mem_limit = s["memLimit"]
if s["cpuLimit"]:
    c.Spawner.cpu_limit = s["cpuLimit"]
# A loaded machine: tslab and the notebook server take a while to come up.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
