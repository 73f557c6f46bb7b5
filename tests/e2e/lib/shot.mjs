// Screenshots that do not hang. WebKitWebDriver's screenshot waits for the next painted
// frame, and an idle page may never paint again (seen as UND_ERR_HEADERS_TIMEOUT after
// 120 s); a 1px near-invisible element changing for a few frames forces one.
import { screenshot } from './app.mjs';

export async function shot(browser, name) {
  await browser.execute(() => {
    const el = document.createElement('div');
    el.style.cssText = 'position:fixed;left:0;bottom:0;width:1px;height:1px;opacity:0.01;pointer-events:none';
    document.body.appendChild(el);
    let n = 0;
    const tick = () => {
      el.style.transform = `translateX(${n++ % 2}px)`;
      if (n < 240) requestAnimationFrame(tick);
      else el.remove();
    };
    requestAnimationFrame(tick);
  });
  await screenshot(browser, name);
}

/**
 * Sets a text input/textarea (by data-testid on the native element) to exactly `value`.
 * WebKitWebDriver's clear + select-all does not always empty a Naive UI textarea, so set
 * the value and fire the input event Vue listens to.
 */
export async function setText(browser, id, value) {
  await browser.execute((id, value) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    el.focus();
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, id, value);
}
