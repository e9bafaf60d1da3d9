/** Escapes every HTML-significant character. */
export function escapeHtml(text: string): string;
/** Markdown (bold, italic, "- " lists, numbered lists, line breaks) to HTML that is safe to insert. */
export function renderMarkdown(text: string): string;
