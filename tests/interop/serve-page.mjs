// Drives `prov serve`'s page in Debian's Chromium: chooses files, waits for every verdict, prints them as JSON.
// Usage: node serve-page.mjs URL FILE...
import { chromium } from 'playwright-core';

const [url, ...files] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.setInputFiles('#files', files);
  await page.waitForFunction(
    (count) => {
      const rows = [...document.querySelectorAll('#results tr')];
      return rows.length === count && rows.every((r) => r.children[1].textContent !== 'checking…');
    },
    files.length,
    { timeout: 30000 },
  );
  const rows = await page.$$eval('#results tr', (trs) => trs.map((tr) => ({
    file: tr.children[0].textContent,
    verdict: tr.children[1].textContent,
    rowClass: tr.className,
    token: tr.children[3]?.textContent ?? '',
  })));
  console.log(JSON.stringify(rows));
} finally {
  await browser.close();
}
