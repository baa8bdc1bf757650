// Issue 13's mixed batch in Debian's Chromium (playwright-core, /usr/bin/chromium or $CHROMIUM), for the report and
// for the `prov serve` page, and the report printed to A4. Prints what a person sees as JSON.
//   node gallery-views.mjs report REPORT.html --open NAME [--screenshot OUT.png]
//   node gallery-views.mjs page URL --open NAME [--screenshot OUT.png] FILE...
//   node gallery-views.mjs print REPORT.html [--pdf OUT.pdf]
// report/page: {cards, order[verdict], names[], filtered[verdict] (the "invalid" card clicked), thumbnails,
//               detail{name, visible, history[], text, thumbnail}, scrollWidth, pwned, externalRequests}
// print:       {printableWidth, scrollWidth, widest{tag, right}, cut[], pages}
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';

const [mode, target, ...rest] = process.argv.slice(2);
const option = (name) => { const i = rest.indexOf(name); if (i < 0) return undefined; const v = rest[i + 1]; rest.splice(i, 2); return v; };
const open = option('--open');
const screenshot = option('--screenshot');
const pdf = option('--pdf');
const files = rest;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  if (mode === 'print') console.log(JSON.stringify(await print(target)));
  else console.log(JSON.stringify(await look(mode, target)));
} finally {
  await browser.close();
}

async function look(kind, where) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith(kind === 'page' ? where : '\0')) requests.push(u); });
  if (kind === 'report') {
    await page.goto(pathToFileURL(where).href);
  } else {
    await page.goto(where);
    await page.setInputFiles('#choose', files);
    // Rows arrive one by one (the running count says how far); wait until nothing is pending.
    await page.waitForFunction(() => document.querySelectorAll('#pending li').length === 0 && document.querySelectorAll('#files tbody.file').length > 0
      && /^\d+ checked$/.test(document.getElementById('progress').textContent), null, { timeout: 120000 });
  }
  const result = { url: page.url() };
  result.cards = Object.fromEntries(await page.$$eval('.card[data-verdict]', (cs) => cs.map((c) => [c.dataset.verdict, Number(c.querySelector('.n').textContent)])));
  result.total = await page.$eval('[data-count="total"]', (e) => Number(e.textContent)).catch(() => null);
  result.order = await page.$$eval('#files tbody.file', (bs) => bs.map((b) => b.dataset.verdict));
  result.names = await page.$$eval('#files tbody.file', (bs) => bs.map((b) => b.dataset.name.split('/').pop()));
  result.thumbnails = await page.$$eval('#files .row img', (imgs) => imgs.filter((i) => i.complete && i.naturalWidth > 0).length);
  if (kind === 'page') {
    result.progress = await page.$eval('#progress', (e) => e.textContent);
    const exported = await page.evaluate(() => ({ csv: window.provExport.csv(), json: window.provExport.json() }));
    result.exportCsv = exported.csv;
    result.exportJson = JSON.parse(exported.json);
  }

  // Open the named file's detail: what a click on its row shows.
  const body = await page.$(`#files tbody.file[data-name$="${open}"]`);
  await body.$eval('.row', (r) => r.scrollIntoView());
  await (await body.$('.row')).click();
  result.detail = await body.evaluate((b) => {
    const d = b.querySelector('tr.detail');
    const history = d.querySelector('.history');
    return {
      name: b.dataset.name.split('/').pop(),
      verdict: b.dataset.verdict,
      visible: !d.hidden && d.getBoundingClientRect().height > 0,
      history: history ? [...history.querySelectorAll('li')].map((li) => li.innerText.trim()) : [],
      text: d.innerText,
      rowThumbnail: Boolean(b.querySelector('.row img')?.naturalWidth),
    };
  });
  result.scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

  // The "invalid" card is a filter: only invalid rows remain.
  await page.click('.card[data-verdict="invalid"]');
  result.filtered = await page.$$eval('#files tbody.file', (bs) => bs.filter((b) => !b.hidden && b.getBoundingClientRect().height > 0).map((b) => b.dataset.verdict));
  await page.click('.showall');
  result.pwned = await page.evaluate(() => Boolean(window.pwned));
  result.externalRequests = requests;
  return result;
}

// The report as printed: laid out for print media at A4's printable width (210 mm less the report's 12 mm margins,
// @page in Reporting/HtmlReport.cs), nothing may reach past the right edge; then Chromium's own PDF at A4.
async function print(report) {
  const printableWidth = Math.floor(((210 - 2 * 12) / 25.4) * 96);
  const page = await browser.newPage({ viewport: { width: printableWidth, height: 1100 } });
  await page.goto(pathToFileURL(report).href);
  await page.emulateMedia({ media: 'print' });
  const result = { printableWidth };
  result.scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  const layout = await page.evaluate((width) => {
    let widest = { tag: '', right: 0 };
    const cut = [];
    for (const e of document.body.querySelectorAll('*')) {
      const box = e.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > widest.right) widest = { tag: e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''), right: Math.round(box.right) };
      if (box.right > width + 0.5 && cut.length < 10) cut.push(e.tagName.toLowerCase() + ' ' + (e.textContent ?? '').trim().slice(0, 40));
    }
    return { widest, cut };
  }, printableWidth);
  Object.assign(result, layout);
  const bytes = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  if (pdf) writeFileSync(pdf, bytes);
  // Each page of Chromium's PDF is one "/Type /Page" object (the tree's root is "/Type /Pages").
  result.pages = (bytes.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
  result.pdfBytes = bytes.length;
  return result;
}
