// Puts the CDN build's exports on window.stateset, for tests that drive it with page.evaluate.
window.stateset = await import('/cdn/stateset.js');
document.getElementById('status').textContent = 'ready';
document.documentElement.dataset.ready = 'true';
