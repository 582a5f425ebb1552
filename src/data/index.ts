export * from "./dataset";
export * from "./idx";
export * from "./mnist";
export * from "./swissRoll";
