// What the e2e scripts put on a page's window: VS Code's webview API stub and the recorders that
// addInitScript and evaluate install (the checkJs program in tsconfig.json reads this).
interface Window {
  __posted: unknown[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page's own persisted state, read field by field in the assertions
  __state: any;
  __statuses: string[];
  acquireVsCodeApi: () => { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };
}
