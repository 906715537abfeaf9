// A classic script, run before the CDN <script> below it is parsed: records whether the browser
// loaded (and ran) that module script or refused it (a module script fires `load` or `error`).
for (const type of ['load', 'error']) {
  document.addEventListener(type, (event) => {
    if (event.target.id === 'cdn') document.documentElement.dataset.cdn = type === 'load' ? 'loaded' : 'error';
  }, true);
}
