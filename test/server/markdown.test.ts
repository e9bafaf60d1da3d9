import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../server/public/markdown.js';

describe('the chat page markdown', () => {
  it.each([
    ['plain text', 'Hello', '<p>Hello</p>'],
    [
      'bold and italic',
      '**Lions U10** and *soon*',
      '<p><strong>Lions U10</strong> and <em>soon</em></p>',
    ],
    ['line breaks', 'one\ntwo', '<p>one<br>two</p>'],
    ['paragraphs', 'one\n\ntwo', '<p>one</p><p>two</p>'],
    [
      'a "- " list',
      'Items:\n- a\n- **b**',
      '<p>Items:</p><ul><li>a</li><li><strong>b</strong></li></ul>',
    ],
    ['a numbered list', '1. first\n2. second', '<ol><li>first</li><li>second</li></ol>'],
    ['an apostrophe', "O'Brien", '<p>O&#39;Brien</p>'],
  ])('renders %s', (_name, text, html) => {
    expect(renderMarkdown(text)).toBe(html);
  });

  it.each([
    '<img src=x onerror=alert(1)>',
    '**<script>alert(1)</script>**',
    '- <a href="javascript:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
  ])('escapes HTML before formatting: %s', (text) => {
    const html = renderMarkdown(text);
    expect(html).not.toMatch(/<(img|script|a|svg)\b/);
    expect(html).toContain('&lt;');
  });
});
