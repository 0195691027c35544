/** Static bodies httpbin serves: /json, /html, the /status/418 teapot and the index page. */

export const SLIDESHOW = {
  slideshow: {
    author: 'Yours Truly',
    date: 'date of publication',
    slides: [
      { title: 'Wake up to WonderWidgets!', type: 'all' },
      { items: ['Why <em>WonderWidgets</em> are great', 'Who <em>buys</em> WonderWidgets'], title: 'Overview', type: 'all' },
    ],
    title: 'Sample Slide Show',
  },
};

export const MOBY_DICK_HTML = `<!DOCTYPE html>
<html>
  <head>
  </head>
  <body>
      <h1>Herman Melville - Moby-Dick</h1>

      <div>
        <p>
          Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world. It is a way I have of driving off the spleen and regulating the circulation.
        </p>
      </div>
  </body>
</html>`;

export const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

const ENDPOINTS: ReadonlyArray<readonly [string, string]> = [
  ['/get', 'the request: args, headers, origin, url'],
  ['/anything[/...]', 'any method: the request with data, form, files and json'],
  ['/post /put /patch /delete', 'the request for that method'],
  ['/headers /ip /user-agent /uuid', 'one part of the request, or a UUID'],
  ['/status/:codes', 'that status; 200,500 picks one, 500:0.3,200:0.7 weighs them'],
  ['/delay/:n', 'answers after n seconds (at most 10)'],
  ['/response-headers?k=v', 'sets response headers from the query'],
  ['/redirect/:n /relative-redirect/:n /absolute-redirect/:n /redirect-to?url=', 'redirects'],
  ['/cookies /cookies/set?k=v /cookies/delete?k', 'cookies'],
  ['/bytes/:n /stream/:n /json /html /base64/:value', 'content'],
];

export const INDEX_HTML = `<!DOCTYPE html>
<html>
<head><title>httpbin (tack built-in sample)</title></head>
<body>
<h1>httpbin</h1>
<p>HTTP request &amp; response service: tack's stand-in for the httpbin images.</p>
<ul>
${ENDPOINTS.map(([path, what]) => `<li><code>${path.replace(/&/g, '&amp;')}</code> ${what}</li>`).join('\n')}
</ul>
</body>
</html>
`;
