import { dirname, basename } from 'node:path';
import { launchChromium, SCREENSHOT_DIR, screenshotPath } from './browser';

describe('browser helpers', () => {
  it('screenshotPath keeps names to one safe file under test-artifacts/screenshots', () => {
    expect(dirname(screenshotPath('x'))).toBe(SCREENSHOT_DIR);
    expect(basename(screenshotPath('review › approves a case (tier 2)'))).toBe('review-approves-a-case-tier-2.png');
    expect(basename(screenshotPath('../../etc/passwd'))).toBe('etc-passwd.png');
    expect(basename(screenshotPath('//'))).toBe('screenshot.png');
  });

  it('launchChromium names CHROMIUM_PATH and scripts/setup.sh when there is no executable', async () => {
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      await expect(launchChromium()).rejects.toThrow(/\/nonexistent\/chromium.*scripts\/setup\.sh.*CHROMIUM_PATH/s);
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
  });
});
