export {}; // types only: see react.d.ts
