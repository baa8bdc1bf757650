// Drives `prov serve`'s page in Debian's Chromium at 1280 px: chooses files, waits for every verdict, opens the first
// row's detail, and prints what a person sees as JSON:
//   node serve-page.mjs URL FILE...
// {rows: [{file, verdict, badge, detail}] top to bottom, cards{verdict: n}, thumbnails, detailVisible, scrollWidth}
import { chromium } from 'playwright-core';

const [url, ...files] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.setInputFiles('#choose', files);
  await page.waitForFunction(
    (count) => document.querySelectorAll('#files tbody.file').length === count && document.querySelectorAll('#pending li').length === 0,
    files.length,
    { timeout: 60000 },
  );
  const result = {};
  result.rows = await page.$$eval('#files tbody.file', (bodies) => bodies.map((b) => ({
    file: b.dataset.name,
    verdict: b.dataset.verdict,
    badge: b.querySelector('.badge')?.textContent ?? '',
    detail: b.querySelector('tr.detail').textContent,
  })));
  result.cards = Object.fromEntries(await page.$$eval('.card[data-verdict]', (cs) => cs.map((c) => [c.dataset.verdict, Number(c.querySelector('.n').textContent)])));
  result.thumbnails = await page.$$eval('#files .row img', (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
  await page.click('#files tbody.file .row');
  result.detailVisible = await page.$eval('#files tbody.file tr.detail', (d) => !d.hidden && d.getBoundingClientRect().height > 0);
  result.scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  result.pwned = await page.evaluate(() => Boolean(window.pwned));
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
