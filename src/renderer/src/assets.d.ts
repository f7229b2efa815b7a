// Bundled files imported by the renderer resolve to their URL (Vite's asset handling).
declare module '*.wav' {
  const url: string;
  export default url;
}
