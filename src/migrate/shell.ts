/** The project's one shell reader lives in src/lifecycle/shell.ts; migrate reads scripts through it. */
export * from '../lifecycle/shell';
