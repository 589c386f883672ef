/**
 * The little of the DOM that functions run in the page (page.evaluate, addInitScript) touch.
 * The project's tsconfig is for a server and has no "dom" lib; adding it for these few lines would let
 * `window` and `document` typecheck in src/ as well. Use inside a page function as
 * `const { document } = globalThis as unknown as BrowserGlobals;` (types are erased, so nothing is captured).
 */
export interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  classList: { contains(name: string): boolean };
  getAttribute(name: string): string | null;
  append(...nodes: PageElement[]): void;
}

export interface PageEvent {
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}

export interface BrowserGlobals {
  document: {
    activeElement: PageElement | null;
    body: PageElement;
    createElement(tag: string): PageElement;
    addEventListener(type: string, listener: (event: PageEvent) => void): void;
  };
  getComputedStyle: (element: PageElement) => { outlineStyle: string; outlineWidth: string };
  matchMedia(query: string): { matches: boolean };
  htmx?: { config: Record<string, unknown> };
  /** What our own init scripts and tests leave on `window`. */
  __parleyWs?: string[];
  __parleyCspViolation?: (text: string) => Promise<void>;
  __sameDocument?: boolean;
  /** Set once an htmx request has been answered and swapped. */
  __answered?: boolean;
}
