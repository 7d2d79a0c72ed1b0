extension Templates {
    static let overview = """
        <h1>Overview</h1>
        <p data-live="/live">Due now: <strong data-field="due">{{depth.due}}</strong> ·
        running: <strong data-field="running">{{depth.running}}</strong> ·
        unread notifications: <a href="/notifications">{{unread}}</a></p>
        <h2>Throughput, last hour (jobs finished per minute)</h2>
        {{{chart}}}
        <h2>Oldest due job</h2>
        {{#oldest}}<p><a href="/jobs/{{id}}">job {{id}}</a> ({{jobType}}), due since {{due}}</p>{{/oldest}}
        {{^oldest}}<p>No job is waiting.</p>{{/oldest}}
        <h2>Jobs by type and state</h2>
        <table id="counts"><tr><th>type</th>{{#states}}<th>{{.}}</th>{{/states}}</tr>
        {{#counts}}<tr><td>{{type}}</td>{{#cells}}<td class="num">{{#link}}<a href="{{link}}">{{n}}</a>{{/link}}{{^link}}{{n}}{{/link}}</td>{{/cells}}</tr>{{/counts}}
        </table>
        <h2>Workers seen in the last minute</h2>
        {{#hasWorkers}}<table><tr><th>worker</th><th>running</th><th>last seen</th></tr>
        {{#workers}}<tr><td>{{id}}</td><td class="num">{{running}}</td><td>{{lastSeen}}</td></tr>{{/workers}}</table>{{/hasWorkers}}
        {{^workers}}<p>No worker seen.</p>{{/workers}}
        """

    static let jobs = """
        <h1>Jobs</h1>
        <form method="get" action="/jobs" class="filters">
        <select name="state"><option value="">any state</option>{{#stateOptions}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/stateOptions}}</select>
        <select name="type"><option value="">any type</option>{{#typeOptions}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/typeOptions}}</select>
        <select name="account"><option value="">any account</option>{{#accountOptions}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/accountOptions}}</select>
        <input name="q" placeholder="id, name or error" value="{{q}}">
        <button type="submit">Filter</button>
        </form>
        {{#canOperate}}{{#type}}<form method="post" action="/jobs/retry-failed" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="type" value="{{type}}">
        <button type="submit" id="retry-all-failed">Retry all failed {{type}} jobs</button></form>{{/type}}{{/canOperate}}
        <table id="jobs"><tr><th>id</th><th>type</th><th>state</th><th>account</th><th>attempts</th><th>name</th><th>created</th><th>error</th></tr>
        {{#jobs}}<tr><td><a href="/jobs/{{id}}">{{id}}</a></td><td>{{jobType}}</td><td class="state-{{state}}">{{state}}</td>
        <td>{{accountID}}</td><td class="num">{{attempts}}/{{maxAttempts}}</td><td>{{name}}</td><td>{{createdAt}}</td><td>{{error}}</td></tr>{{/jobs}}
        </table>
        {{^jobs}}<p>No job matches.</p>{{/jobs}}
        {{#next}}<p><a id="next-page" href="{{next}}">Older jobs →</a></p>{{/next}}
        """

    static let job = """
        <h1>Job {{id}} <span class="state-{{state}}" id="job-state">{{state}}</span></h1>
        <div data-live="/jobs/{{id}}/live"><p>State: <strong data-field="state">{{state}}</strong> ·
        progress: <span data-field="progress">{{progress}}</span></p></div>
        {{#canOperate}}<p class="actions">
        {{#canRunNow}}<form method="post" action="/jobs/{{id}}/run-now" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="run-now">Run now</button></form>{{/canRunNow}}
        {{#canRetry}}<form method="post" action="/jobs/{{id}}/retry" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="retry">Retry</button></form>
        <form method="post" action="/jobs/{{id}}/set-done" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="set-done">Set done</button></form>{{/canRetry}}
        {{#canCancel}}<form method="post" action="/jobs/{{id}}/cancel" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="cancel">Cancel</button></form>{{/canCancel}}
        </p>{{/canOperate}}
        <h2>As <code>jobctl show {{id}}</code> prints it</h2>
        <pre id="job-text">{{text}}</pre>
        <h2>Error history</h2>
        {{#hasHistory}}<table><tr><th>at</th><th>attempt</th><th>kind</th><th>error</th></tr>
        {{#history}}<tr><td>{{at}}</td><td class="num">{{attempt}}</td><td>{{kind}}</td><td>{{error}}</td></tr>{{/history}}</table>{{/hasHistory}}
        {{^history}}<p>No failed attempt.</p>{{/history}}
        <h2>Operator actions</h2>
        {{#hasAudit}}<table id="audit"><tr><th>at</th><th>who</th><th>action</th><th>detail</th></tr>
        {{#audit}}<tr><td>{{at}}</td><td>{{login}}</td><td>{{action}}</td><td>{{detail}}</td></tr>{{/audit}}</table>{{/hasAudit}}
        {{^audit}}<p>None.</p>{{/audit}}
        """
}
