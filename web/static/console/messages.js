// 留言与咨询 in the console: the content folder's page, at this module's version (its address's
// query), so that admins see the same page the content accounts do.
export const { page } = await import(`../content/messages.js${new URL(import.meta.url).search}`);
