// Opens an HTML report from `prov verify --html` in Debian's Chromium at 1280 px and prints what a person would see, as JSON:
//   node report-page.mjs REPORT.html [--screenshot OUT.png]
// {width, scrollWidth, cards{verdict: n}, order[verdict per row, top to bottom], filtered{...}, detail{...}, pwned}
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const report = args[0];
const shotIndex = args.indexOf('--screenshot');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // Self-contained: any request other than the file itself is a failure.
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(report).href);
  const result = {};
  result.width = await page.evaluate(() => window.innerWidth);
  result.scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  result.narrowestColumn = await page.$$eval('#files > thead th', (ths) => Math.min(...ths.map((th) => th.getBoundingClientRect().width)));
  result.cards = Object.fromEntries(await page.$$eval('.card[data-verdict]', (cs) => cs.map((c) => [c.dataset.verdict, Number(c.querySelector('.n').textContent)])));
  result.order = await page.$$eval('#files tbody.file', (bs) => bs.map((b) => b.dataset.verdict));
  result.thumbnails = await page.$$eval('#files .row img', (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
  if (shotIndex >= 0) {
    // Open one detail (a file with a thumbnail, if any) so the picture shows what a click gives.
    const shown = (await page.$('#files .row:has(img)')) ?? (await page.$('#files .row'));
    await shown.click();
    await page.screenshot({ path: args[shotIndex + 1], fullPage: true });
    await shown.click();
  }

  await page.click('.card[data-verdict="invalid"]');
  result.filtered = await page.$$eval('#files tbody.file', (bs) => bs.filter((b) => !b.hidden && b.getBoundingClientRect().height > 0).map((b) => b.dataset.verdict));
  await page.click('.showall');
  result.afterShowAll = await page.$$eval('#files tbody.file', (bs) => bs.filter((b) => !b.hidden).length);

  await page.click('th button[data-sort="name"]');
  result.sortedByName = await page.$$eval('#files tbody.file', (bs) => bs.map((b) => b.dataset.name));

  const row = await page.$('#files tbody.file .row');
  const before = await row.evaluate((r) => r.nextElementSibling.getBoundingClientRect().height);
  await row.click();
  result.detail = await row.evaluate((r) => {
    const d = r.nextElementSibling;
    return { heightBefore: 0, visible: !d.hidden && d.getBoundingClientRect().height > 0, text: d.innerText, codes: [...d.querySelectorAll('table.codes code')].map((c) => c.textContent) };
  });
  result.detail.heightBefore = before;
  result.scrollWidthWithDetail = await page.evaluate(() => document.scrollingElement.scrollWidth);
  result.pwned = await page.evaluate(() => Boolean(window.pwned));
  result.externalRequests = requests;
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
