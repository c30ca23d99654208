// Express 4 runs the same cases at runtime; its types are Express 5's (see TOOLCHAIN.md).
declare module 'express4' {
  import express from 'express';
  export default express;
}
