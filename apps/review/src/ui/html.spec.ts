import { escape, html } from './html';

describe('html', () => {
  it('escapes interpolated text, including attribute quotes', () => {
    const input = `<script>alert("x")</script>' onload='x`;
    expect(html`<p title="${input}">${input}</p>`.value).toBe(`<p title="${escape(input)}">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x</p>`);
  });

  it('keeps nested Html and lists of Html as markup, and drops null, undefined and false', () => {
    const items = ['a&b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe('<ul><li>a&amp;b</li><li>c</li></ul>0');
  });
});
