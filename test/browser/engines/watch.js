// The in-page recorder of the cross-engine suite. The test site (../site.ts, `watch: true`) puts it
// first in every page's <head>: a classic script from 'self', so a strict CSP allows it, and it runs
// before any module. It records in the page itself what a page must not do, because not every engine
// lets a driver see it (WebKit over WebDriver classic has no console or error events). index.ts reads
// it back with record() and expectClean(). It uses no DOM sink, so Trusted Types never block it.
(() => {
  const watch = { violations: [], errors: [], consoleErrors: [] };
  Object.defineProperty(window, '__statesetWatch', { value: watch });
  const text = (value) => {
    try {
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
    } catch {
      return String(value);
    }
  };
  document.addEventListener('securitypolicyviolation', (event) => {
    watch.violations.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI, sample: event.sample });
  }, true);
  window.addEventListener('error', (event) => {
    if (event instanceof ErrorEvent) watch.errors.push(`uncaught ${text(event.error ?? event.message)}`);
    else if (event.target instanceof Element) {
      watch.errors.push(`failed to load <${event.target.localName}> ${event.target.getAttribute('src') ?? event.target.getAttribute('href') ?? ''}`);
    }
  }, true);
  window.addEventListener('unhandledrejection', (event) => watch.errors.push(`unhandled rejection ${text(event.reason)}`));
  const consoleError = console.error;
  console.error = function (...args) {
    watch.consoleErrors.push(args.map(text).join(' '));
    return consoleError.apply(this, args);
  };
})();
