/* The signed-in session of the map page: tokens from POST /auth/token kept in sessionStorage (this
   tab only), refreshed with the refresh token before the access token expires, and a fetch that
   sends them. Loaded before static/map.js, so that the map's first requests carry the token.
   No user interface here: static/edit.js draws the sign-in form and listens to 'tzauth:change'. */
(function () {
  'use strict';

  var KEY = 'tzmap.session';
  var EARLY_MS = 60 * 1000;  // refresh this long before the access token expires
  var session = null;  // { access_token, refresh_token, expires_at, refresh_expires_at, user }
  var timer = null;
  var refreshing = null;  // the refresh under way, which requests wait for

  function now() { return Date.now(); }

  function save() {
    if (session) { sessionStorage.setItem(KEY, JSON.stringify(session)); }
    else { sessionStorage.removeItem(KEY); }
  }

  function changed(reason) {
    document.dispatchEvent(new CustomEvent('tzauth:change', {
      detail: { user: session ? session.user : null, reason: reason || '' }
    }));
  }

  // What a problem+json answer says, as an Error with the status (and Retry-After when given).
  function problem(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      var error = new Error(body.detail || body.title || String(response.status));
      error.status = response.status;
      error.body = body;
      error.retryAfter = parseInt(response.headers.get('Retry-After'), 10) || null;
      throw error;
    });
  }

  function schedule() {
    clearTimeout(timer);
    if (!session) { return; }
    var wait = Math.max(session.expires_at - now() - EARLY_MS, 5000);
    timer = setTimeout(function () { refresh().catch(function () { /* signed out */ }); }, wait);
  }

  function accept(body, user) {
    session = {
      access_token: body.access_token,
      refresh_token: body.refresh_token,
      expires_at: now() + body.expires_in * 1000,
      refresh_expires_at: now() + body.refresh_expires_in * 1000,
      user: user || body.user
    };
    save();
    schedule();
  }

  function tokenRequest(form) {
    return fetch('/auth/token', {
      method: 'POST',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(form)
    }).then(function (r) { return r.ok ? r.json() : problem(r); });
  }

  // The user with the names of their townships (the token answer carries the codes only).
  function me() {
    return fetch('/auth/me', {
      headers: { Accept: 'application/json', Authorization: 'Bearer ' + session.access_token }
    }).then(function (r) { return r.ok ? r.json() : problem(r); });
  }

  function signIn(username, password) {
    return tokenRequest({ username: username, password: password }).then(function (body) {
      accept(body);
      return me().catch(function () { return body.user; });
    }).then(function (user) {
      session.user = user;
      save();
      changed('signin');
      return user;
    });
  }

  function signOut(reason) {
    clearTimeout(timer);
    var had = session !== null;
    session = null;
    save();
    if (had) { changed(reason || 'signout'); }
  }

  function refresh() {
    if (!session) { return Promise.reject(new Error('not signed in')); }
    if (!refreshing) {
      var user = session.user;
      refreshing = tokenRequest({ grant_type: 'refresh_token', refresh_token: session.refresh_token })
        .then(function (body) {
          // Keep the township names we know; the role and townships come fresh from the server.
          var names = {};
          (user.townships || []).forEach(function (t) { names[t.code] = t.name; });
          body.user.townships = body.user.townships.map(function (t) {
            return { code: t.code, name: names[t.code] || t.name };
          });
          accept(body);
          refreshing = null;
        }, function (error) {
          refreshing = null;
          if (error.status === 401) { signOut('expired'); }
          throw error;
        });
    }
    return refreshing;
  }

  // fetch() with the session's token. A 401 while signed in means the access token died early
  // (a restart, a clock): refresh once and try again; if that fails the session is over.
  function authFetch(url, options) {
    options = options || {};
    function send() {
      var headers = new Headers(options.headers || {});
      if (session) { headers.set('Authorization', 'Bearer ' + session.access_token); }
      return fetch(url, Object.assign({}, options, { headers: headers }));
    }
    var before = session && session.expires_at - now() < 5000 ? refresh().catch(function () {}) : refreshing;
    return Promise.resolve(before).then(send).then(function (response) {
      if (response.status !== 401 || !session) { return response; }
      return refresh().then(send, function () { return response; });
    });
  }

  // A link to something the server may answer only to a signed-in reader (an uploaded file, a
  // print): followed with the token and opened from memory.
  function link(anchor) {
    anchor.addEventListener('click', function (e) {
      if (!session) { return; }
      e.preventDefault();
      authFetch(anchor.href).then(function (r) { return r.ok ? r.blob() : problem(r); }).then(function (blob) {
        var url = URL.createObjectURL(blob);
        var open = document.createElement('a');
        open.href = url;
        open.target = '_blank';
        open.rel = 'noopener';
        if (anchor.hasAttribute('download')) { open.download = anchor.getAttribute('download'); }
        document.body.appendChild(open);
        open.click();
        document.body.removeChild(open);
        setTimeout(function () { URL.revokeObjectURL(url); }, 60 * 1000);
      }).catch(function (error) {
        document.dispatchEvent(new CustomEvent('tzauth:error', { detail: { error: error } }));
      });
    });
  }

  // --- start: a session kept in this tab survives a reload -----------------------------------

  try { session = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { session = null; }
  if (session && !(session.refresh_expires_at > now() + 5000)) { session = null; save(); }
  if (session) {
    if (session.expires_at - now() < EARLY_MS) { refresh().catch(function () {}); } else { schedule(); }
  }

  window.tzAuth = {
    fetch: authFetch,
    signIn: signIn,
    signOut: signOut,
    refresh: refresh,
    problem: problem,
    link: link,
    user: function () { return session ? session.user : null; },
    signedIn: function () { return session !== null; }
  };
})();
