// The app's own code on the CDN build of the API, next to the widget loader (each a self-contained copy).
import { createClient, getBalance } from '/cdn/stateset.js';

const client = createClient({ publishableKey: '{{KEY}}', apiBase: '{{API_BASE}}' });
const balance = await getBalance(client);
document.querySelector('#w5').client = client;
document.querySelector('#app').textContent = `app: ${balance.available.length} currencies`;
