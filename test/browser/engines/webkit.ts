/**
 * WebKit (WebKitGTK's MiniBrowser, Safari's engine) over WebDriver classic through selenium-webdriver,
 * talking to the WebKitWebDriver the global setup started under xvfb-run. Each context is a WebDriver
 * session (its own MiniBrowser, with its own ephemeral storage); each tab a window of that session.
 *
 * WebDriver classic has no console or error events, so `engineErrors` is `undefined` here and the suite
 * relies on the in-page record (index.ts). It also has one current window per session: commands to the
 * tabs of one context take turns (the session switches to the tab first), so start long work in the
 * page and read its result later rather than awaiting two tabs at once.
 */
import { Builder, By, type WebDriver } from 'selenium-webdriver';
import { queue, type Context, type Driver, type PageFunction, type Tab } from './driver.js';
import { enginePaths } from './select.js';

function tab(session: WebDriver, handle: string, turn: ReturnType<typeof queue>): Tab {
  const on = <T>(task: () => Promise<T>): Promise<T> =>
    turn(async () => {
      await session.switchTo().window(handle);
      return task();
    });
  return {
    engineErrors: undefined,
    goto: (url) => on(() => session.get(url)),
    // The function travels as source text, like playwright's and puppeteer's page functions.
    evaluate: <R, A>(fn: PageFunction<A, R>, arg?: A) =>
      on(() => session.executeScript<R>(`return (${fn.toString()}).apply(null, arguments)`, ...(arg === undefined ? [] : [arg]))),
    click: (selector) => on(async () => (await session.findElement(By.css(selector))).click()),
    close: () => on(() => session.close()),
  };
}

export async function connectWebKit(driverUrl: string): Promise<Driver> {
  const paths = enginePaths();
  return {
    name: 'webkit',
    async newContext(): Promise<Context> {
      const session = await new Builder()
        .usingServer(driverUrl)
        .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: paths.miniBrowser, args: ['--automation'] } })
        .build();
      const turn = queue();
      let first: string | undefined = await session.getWindowHandle();
      const version = String((await session.getCapabilities()).get('browserVersion'));
      return {
        version,
        newTab: () =>
          turn(async () => {
            // The session's own window is the first tab; later tabs are new windows of the same session.
            let handle = first;
            first = undefined;
            if (handle === undefined) {
              await session.switchTo().newWindow('tab');
              handle = await session.getWindowHandle();
            }
            return tab(session, handle, turn);
          }),
        // Closing a session's last window ends the session; quitting it then has nothing left to do.
        close: () => session.quit().catch((error: Error) => {
          if (error.name !== 'NoSuchSessionError') throw error;
        }),
      };
    },
    disconnect: async () => {},
  };
}
