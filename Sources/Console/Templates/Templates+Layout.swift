extension Templates {
    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · marketplace-jobs console</title>
        <link rel="stylesheet" href="/static/console.css">
        <script src="/static/console.js" defer></script>
        </head><body>
        <header><strong>marketplace-jobs</strong>
        {{#user}}<nav>
        <a href="/">Overview</a> <a href="/jobs">Jobs</a> <a href="/accounts">Accounts</a>
        <a href="/schedules">Schedules</a>{{#integration}} <a href="/notifications">Notifications</a>{{/integration}}
        </nav>
        <span class="who">{{login}} ({{role}})
        <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Log out</button></form></span>{{/user}}
        </header>
        <main>
        {{#flash}}<p class="flash">{{flash}}</p>{{/flash}}
        {{{body}}}
        </main></body></html>
        """

    static let login = """
        <h1>Log in</h1>
        {{#message}}<p class="error">{{message}}</p>{{/message}}
        <form method="post" action="/login" class="login">
        <label>Login <input name="login" autocomplete="username" required value="{{login}}"></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit" id="login-button">Log in</button>
        </form>
        """

    static let error = """
        <h1>{{status}} {{reason}}</h1>
        <p class="error" id="error-message">{{message}}</p>
        <p><a href="/">Back to the overview</a></p>
        """

    /// Served as /static/console.css.
    static let css = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
        header { background: #223; color: #eee; padding: .5em 1em; display: flex; gap: 2em; align-items: center; }
        header a { color: #cde; margin-right: .8em; } header .who { margin-left: auto; }
        main { padding: 1em 2em; }
        table { border-collapse: collapse; margin: .5em 0 1.5em; }
        th, td { border-bottom: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
        th { background: #f4f4f8; } td.num { text-align: right; }
        pre { background: #f7f7f7; padding: .6em; overflow-x: auto; max-width: 100em; }
        .state-failed { color: #b00; } .state-done { color: #070; } .state-running { color: #05a; }
        .flash { background: #eef7ee; border: 1px solid #9c9; padding: .5em; }
        .error { background: #fdeeee; border: 1px solid #d99; padding: .5em; }
        .needs-person { background: #fff3cd; }
        form.inline { display: inline; } form.login label, form.settings label { display: block; margin: .4em 0; }
        button[disabled] { opacity: .5; } .hint { color: #666; font-size: 90%; }
        .secret-set { color: #070; font-weight: bold; }
        """

    /// Served as /static/console.js: short polling of the live parts. The
    /// pages work without it.
    static let script = """
        document.addEventListener('DOMContentLoaded', function () {
          document.querySelectorAll('[data-live]').forEach(function (el) {
            var url = el.getAttribute('data-live');
            setInterval(function () {
              fetch(url, {credentials: 'same-origin'}).then(function (r) { return r.ok ? r.json() : null; })
                .then(function (data) {
                  if (!data) return;
                  Object.keys(data).forEach(function (key) {
                    var target = el.querySelector('[data-field="' + key + '"]');
                    if (target) target.textContent = data[key];
                  });
                }).catch(function () {});
            }, 2000);
          });
        });
        """
}
