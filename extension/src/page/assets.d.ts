/** Stylesheets imported for their effect; the page bundler (esbuild) collects them. */
declare module '*.css';
