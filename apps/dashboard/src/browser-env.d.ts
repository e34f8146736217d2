// The dashboard's sources run in the browser. The root tsconfig checks them with Node's types,
// so the DOM's are added here; DOM.AsyncIterable keeps Node code that iterates a ReadableStream valid.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="dom.asynciterable" />
