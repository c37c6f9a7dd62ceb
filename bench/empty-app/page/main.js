// Reports the first screen as interactive once it has been painted (two animation frames
// after load), with the same timings Castwright's page sends; the app prints them only in a
// benchmark.
function pageTimes() {
  const origin = performance.timeOrigin;
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    navigation_start: origin,
    dom_content_loaded: origin + (nav ? nav.domContentLoadedEventEnd : 0),
    interactive: origin + performance.now(),
  };
}

window.addEventListener("DOMContentLoaded", () =>
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      void window.__TAURI_INTERNALS__.invoke("bench_interactive", { page: pageTimes() });
    }),
  ),
);
