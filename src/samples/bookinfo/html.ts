/**
 * The product page's HTML, laid out like the real app's template: the book, its details, the
 * reviews with their stars (`glyphicon-star` spans in a `<font color>`), and which reviews pod
 * served them. Everything that came over the network is escaped.
 */

export interface Product {
  readonly id: number;
  readonly title: string;
  readonly descriptionHtml: string;
}

export interface Outcome {
  readonly status: number;
  readonly body: unknown;
}

export const PRODUCTS: readonly Product[] = [
  {
    id: 0,
    title: 'The Comedy of Errors',
    descriptionHtml:
      '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare\'s</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play.',
  },
];

export function escapeHtml(value: unknown): string {
  const text = value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #333; }
nav { background: #222; color: #eee; padding: 10px 20px; display: flex; justify-content: space-between; align-items: center; }
nav a { color: #9cf; }
.brand { font-size: 18px; }
.container { padding: 0 20px; }
.row { display: flex; flex-wrap: wrap; gap: 40px; }
.col { flex: 1 1 300px; }
h3, h4 { color: #337ab7; text-align: center; }
blockquote { border-left: 5px solid #eee; margin: 0 0 20px; padding: 10px 20px; }
small { display: block; color: #777; }
.glyphicon { font-style: normal; font-size: 18px; }
dt { font-weight: bold; }
`;

function loginBox(user: string): string {
  if (user !== '') {
    return `<span class="user">${escapeHtml(user)} ( <a href="logout">sign out</a> )</span>`;
  }
  return `<form method="post" action="login" name="login_form">
      <input type="text" name="username" id="username" placeholder="User Name">
      <input type="password" name="passwd" placeholder="Password">
      <button type="submit">Sign in</button>
    </form>`;
}

function detailsSection(details: Outcome): string {
  if (details.status === 200) {
    const d = details.body;
    return `<h4>Book Details</h4>
      <dl>
        <dt>Type:</dt><dd>${escapeHtml(field(d, 'type'))}</dd>
        <dt>Pages:</dt><dd>${escapeHtml(field(d, 'pages'))}</dd>
        <dt>Publisher:</dt><dd>${escapeHtml(field(d, 'publisher'))}</dd>
        <dt>Language:</dt><dd>${escapeHtml(field(d, 'language'))}</dd>
        <dt>ISBN-10:</dt><dd>${escapeHtml(field(d, 'ISBN-10'))}</dd>
        <dt>ISBN-13:</dt><dd>${escapeHtml(field(d, 'ISBN-13'))}</dd>
      </dl>`;
  }
  return `<h4>Error fetching product details!</h4>
      <p>${escapeHtml(field(details.body, 'error'))}</p>`;
}

function starsHtml(rating: unknown): string {
  const stars = field(rating, 'stars');
  if (typeof stars === 'number' && stars !== 0 && Number.isFinite(stars)) {
    const full = Math.max(0, Math.min(5, Math.trunc(stars)));
    const color = escapeHtml(field(rating, 'color'));
    return `<font color="${color}">
          ${'<span class="glyphicon glyphicon-star">&#9733;</span>'.repeat(full)}
          ${'<span class="glyphicon glyphicon-star-empty">&#9734;</span>'.repeat(5 - full)}
        </font>`;
  }
  const error = field(rating, 'error');
  return error ? `<p><i>${escapeHtml(error)}</i></p>` : '';
}

function reviewsSection(reviews: Outcome): string {
  if (reviews.status !== 200) {
    return `<h4>Error fetching product reviews!</h4>
      <p>${escapeHtml(field(reviews.body, 'error'))}</p>`;
  }
  const list = field(reviews.body, 'reviews');
  const items = (Array.isArray(list) ? list : [])
    .map(
      (r: unknown) => `<blockquote>
        <p>${escapeHtml(field(r, 'text'))}</p>
        <small>${escapeHtml(field(r, 'reviewer'))}</small>
        ${starsHtml(field(r, 'rating'))}
      </blockquote>`,
    )
    .join('\n');
  const podname = field(reviews.body, 'podname');
  const cluster = field(reviews.body, 'clustername');
  const servedBy =
    podname === undefined || podname === null
      ? ''
      : `<p class="served-by">Reviews served by: ${escapeHtml(podname)}${
          cluster && cluster !== 'null' ? ` on cluster ${escapeHtml(cluster)}` : ''
        }</p>`;
  return `<h4>Book Reviews</h4>
      ${items}
      ${servedBy}`;
}

export function renderProductPage(product: Product, details: Outcome, reviews: Outcome, user: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Simple Bookstore App</title>
<style>${STYLE}</style>
</head>
<body>
<nav>
  <span class="brand">BookInfo Sample</span>
  ${loginBox(user)}
</nav>
<div class="container">
  <h3>${escapeHtml(product.title)}</h3>
  <p>Summary: ${product.descriptionHtml}</p>
  <div class="row">
    <div class="col">
      ${detailsSection(details)}
    </div>
    <div class="col">
      ${reviewsSection(reviews)}
    </div>
  </div>
</div>
</body>
</html>
`;
}

export function renderIndex(services: unknown): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Simple Bookstore App</title>
<style>${STYLE} table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; }</style>
</head>
<body>
<div class="container">
  <h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3>
  ${jsonTable(services)}
  <p>Click on one of the links below to auto generate a request to the backend as a real user or a tester</p>
  <p><a href="productpage?u=normal">Normal user</a></p>
  <p><a href="productpage?u=test">Test user</a></p>
</div>
</body>
</html>
`;
}

/** Nested JSON as nested tables, like json2html does for the real index page. */
function jsonTable(value: unknown, depth = 0): string {
  if (depth > 8) return escapeHtml(value);
  if (Array.isArray(value)) {
    return value.length === 0 ? '' : `<ul>${value.map((v) => `<li>${jsonTable(v, depth + 1)}</li>`).join('')}</ul>`;
  }
  if (value && typeof value === 'object') {
    const rows = Object.entries(value)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${jsonTable(v, depth + 1)}</td></tr>`)
      .join('');
    return `<table>${rows}</table>`;
  }
  return escapeHtml(value);
}
