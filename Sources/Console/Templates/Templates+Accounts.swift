extension Templates {
    static let accounts = """
        <h1>Accounts</h1>
        <table id="accounts"><tr><th>id</th><th>name</th><th>marketplace</th><th>sync enabled</th><th>mode</th><th></th></tr>
        {{#accounts}}<tr><td>{{id}}</td><td><a href="/accounts/{{id}}">{{name}}</a></td><td>{{marketplace}}</td>
        <td>{{#syncEnabled}}yes{{/syncEnabled}}{{^syncEnabled}}no{{/syncEnabled}}</td>
        <td>{{#automatic}}automatic{{/automatic}}{{^automatic}}manual{{/automatic}}</td>
        <td>{{#amazon}}<a href="/accounts/{{id}}/amazon">integration</a>{{/amazon}}</td></tr>{{/accounts}}
        </table>
        {{^accounts}}<p>No account yet.</p>{{/accounts}}
        """

    static let account = """
        <h1>Account {{id}}: {{name}} <small>({{marketplace}})</small></h1>
        {{#amazon}}<p><a href="/accounts/{{id}}/amazon">Amazon integration: products, feeds, sync buttons →</a></p>{{/amazon}}
        <h2>Configuration</h2>
        {{#known}}{{#canAdmin}}<form method="post" action="/accounts/{{id}}/settings" class="settings" id="settings-form">
        <input type="hidden" name="csrf" value="{{csrf}}">{{/canAdmin}}{{^canAdmin}}<div class="settings">{{/canAdmin}}
        {{#fields}}<label>{{label}}
        {{#isBool}}<input type="checkbox" name="{{key}}" value="true"{{#checked}} checked{{/checked}}{{^canEdit}} disabled{{/canEdit}}>{{/isBool}}
        {{#isSecret}}<span class="{{#set}}secret-set{{/set}}" id="secret-{{key}}">{{#set}}set{{/set}}{{^set}}not set{{/set}}</span>
        {{#canEdit}}<input type="password" name="{{key}}" value="" autocomplete="new-password" placeholder="type a new value to replace">{{/canEdit}}{{/isSecret}}
        {{#isText}}<input name="{{key}}" value="{{value}}"{{^canEdit}} readonly{{/canEdit}}>{{/isText}}
        <span class="hint">{{hint}}</span></label>{{/fields}}
        <label>Sync enabled <input type="checkbox" name="sync_enabled" value="true"{{#syncEnabled}} checked{{/syncEnabled}}{{^canAdmin}} disabled{{/canAdmin}}></label>
        {{#canAdmin}}<button type="submit" id="save-settings">Save</button>
        <p class="hint">Secret fields are write-only: leave one empty to keep its value.</p>{{/canAdmin}}
        {{#canAdmin}}</form>{{/canAdmin}}{{^canAdmin}}</div>{{/canAdmin}}{{/known}}
        {{^known}}<pre>{{settingsJSON}}</pre><p class="hint">Secrets set: {{secretKeys}}</p>{{/known}}
        {{#canOperate}}<h2>Actions</h2><p class="actions">
        {{#testConnection}}<form method="post" action="/accounts/{{id}}/test-connection" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="test-connection">Test connection</button></form>{{/testConnection}}
        {{#zortout}}
        <form method="post" action="/accounts/{{id}}/zortout/warehouses" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="view-warehouses">View Warehouse List</button></form>
        <form method="post" action="/accounts/{{id}}/zortout/check-warehouse" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input name="code" placeholder="warehouse code" value="{{warehouseCode}}"><button type="submit" id="test-warehouse">Test Warehouse Code</button></form>
        <form method="post" action="/accounts/{{id}}/zortout/pull" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="pull-stock">Pull Stock</button></form>
        {{/zortout}}</p>
        <p class="hint">Each action runs as a job; its page shows the outcome.</p>{{/canOperate}}
        <h2>Recent jobs</h2>
        <table><tr><th>id</th><th>type</th><th>state</th><th>created</th><th>error</th></tr>
        {{#jobs}}<tr><td><a href="/jobs/{{id}}">{{id}}</a></td><td>{{jobType}}</td><td class="state-{{state}}">{{state}}</td><td>{{createdAt}}</td><td>{{error}}</td></tr>{{/jobs}}</table>
        <h2>Operator actions</h2>
        <table id="audit"><tr><th>at</th><th>who</th><th>action</th><th>detail</th></tr>
        {{#audit}}<tr><td>{{at}}</td><td>{{login}}</td><td>{{action}}</td><td>{{detail}}</td></tr>{{/audit}}</table>
        """

    static let amazon = """
        <h1>Amazon integration: {{name}}</h1>
        <p>{{#automatic}}Automatic mode is on (Active flag){{/automatic}}{{^automatic}}Manual mode{{/automatic}} ·
        operations waiting: {{pendingOperations}} · New rows not yet in a feed: {{unsent}}</p>
        {{#canOperate}}<p class="actions">
        <form method="post" action="/accounts/{{id}}/amazon/sync-products" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" id="sync-products"{{#automatic}} disabled{{/automatic}}>Synchronize all products</button></form>
        <form method="post" action="/accounts/{{id}}/amazon/sync-orders" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" id="sync-orders"{{#ordersDisabled}} disabled{{/ordersDisabled}}>Synchronize all orders (past three months)</button></form>
        </p>{{/canOperate}}
        {{#automatic}}<p class="hint" id="automatic-explanation">The buttons are off while automatic mode is on: the account's schedule runs the syncs (see Schedules). Turn the Active flag off on the account page to synchronize by hand.</p>{{/automatic}}
        {{^ordersInstalled}}<p class="hint" id="orders-explanation">Orders sync not installed: this build has no Amazon orders job type yet.</p>{{/ordersInstalled}}
        <h2>Product tab</h2>
        <table id="sync-counts"><tr><th>sync type</th><th>New</th><th>Success</th><th>Failure</th></tr>
        {{#counts}}<tr><td>{{type}}</td><td class="num">{{new}}</td><td class="num">{{success}}</td><td class="num">{{failure}}</td></tr>{{/counts}}</table>
        {{^counts}}<p>No sync rows yet.</p>{{/counts}}
        {{#hasNeedsPerson}}<h3>Needs a person</h3><p>Failed deletes are tried once only: remove these listings by hand in Seller Central.</p>
        <table id="needs-person"><tr><th>SKU</th><th>type</th><th>feed</th><th>at</th><th>message</th></tr>
        {{#needsPerson}}<tr class="needs-person"><td>{{sku}}</td><td>{{syncType}}</td><td>{{feed}}</td><td>{{at}}</td><td>{{message}}</td></tr>{{/needsPerson}}</table>{{/hasNeedsPerson}}
        <h3>Failures ({{failureCount}})</h3>
        <table id="failures"><tr><th>SKU</th><th>type</th><th>feed</th><th>at</th><th>message</th></tr>
        {{#failures}}<tr{{#needsPerson}} class="needs-person"{{/needsPerson}}><td>{{sku}}{{#needsPerson}} (needs a person){{/needsPerson}}</td><td>{{syncType}}</td><td>{{feed}}</td><td>{{at}}</td><td>{{message}}</td></tr>{{/failures}}</table>
        <h2>Feeds</h2>
        <table id="feeds"><tr><th>feed id</th><th>status</th><th>messages</th><th>accepted</th><th>invalid</th><th>errors</th><th>warnings</th><th>created</th><th>note</th></tr>
        {{#feeds}}<tr><td>{{feedId}}</td><td>{{status}}</td><td class="num">{{messages}}</td><td class="num">{{accepted}}</td><td class="num">{{invalid}}</td><td class="num">{{errors}}</td><td class="num">{{warnings}}</td><td>{{created}}</td><td>{{note}}</td></tr>{{/feeds}}</table>
        <h2>Order tab</h2>
        {{^ordersInstalled}}<p>Orders sync not installed.</p>{{/ordersInstalled}}
        {{#ordersInstalled}}{{#orders}}
        <table id="order-counts"><tr><th>status</th><th>orders</th></tr>
        {{#counts}}<tr><td>{{status}}</td><td class="num">{{count}}</td></tr>{{/counts}}</table>
        {{^hasOrders}}<p>No orders downloaded yet.</p>{{/hasOrders}}
        <table id="order-summary">
        <tr><th>not acknowledged</th><td class="num">{{unacknowledged}}</td></tr>
        <tr><th>acknowledgements failed</th><td class="num">{{acknowledgementFailures}}</td></tr>
        <tr><th>unshipped past ship-by</th><td class="num">{{unshippedPastShipBy}}</td></tr>
        <tr><th>waiting for the ERP</th><td class="num">{{waitingForERP}}</td></tr>
        <tr><th>shipments failed</th><td class="num">{{failedShipments}}</td></tr>
        <tr><th>refunds needing a person</th><td class="num">{{refundsNeedingPerson}}</td></tr></table>
        <table id="order-downloads"><tr><th>marketplace</th><th>watermark</th><th>window</th><th>pages</th><th>orders</th></tr>
        {{#downloads}}<tr><td>{{marketplace}}</td><td>{{watermark}}</td><td>{{#inProgress}}in progress{{/inProgress}}{{^inProgress}}done{{/inProgress}}</td><td class="num">{{pages}}</td><td class="num">{{orders}}</td></tr>{{/downloads}}</table>
        {{#hasAttention}}<h3>Orders needing a person</h3>
        <table id="order-attention"><tr><th>order</th><th>status</th><th>why</th><th>message</th></tr>
        {{#attention}}<tr class="needs-person"><td>{{order}}</td><td>{{status}}</td><td>{{reason}}</td><td>{{message}}</td></tr>{{/attention}}</table>{{/hasAttention}}
        {{/orders}}{{/ordersInstalled}}
        """

    static let notifications = """
        <h1>Notifications</h1>
        {{#canAck}}<form method="post" action="/notifications/ack-all"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="ack-all">Acknowledge all</button></form>{{/canAck}}
        <table id="notifications"><tr><th>id</th><th>time</th><th>severity</th><th>account</th><th>job</th><th>message</th><th>acknowledged</th></tr>
        {{#notifications}}<tr><td>{{id}}</td><td>{{createdAt}}</td><td>{{severity}}</td><td>{{account}}</td>
        <td>{{#jobID}}<a href="/jobs/{{jobID}}">{{jobID}}</a>{{/jobID}}</td><td>{{message}}</td>
        <td>{{#acknowledgedBy}}{{acknowledgedBy}}{{/acknowledgedBy}}{{^acknowledgedBy}}{{#canAck}}<form method="post" action="/notifications/{{id}}/ack" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Acknowledge</button></form>{{/canAck}}{{/acknowledgedBy}}</td></tr>{{/notifications}}
        </table>
        {{^notifications}}<p>No notification.</p>{{/notifications}}
        """

    static let schedules = """
        <h1>Schedules</h1>
        <table id="schedules"><tr><th>id</th><th>account</th><th>job type</th><th>interval</th><th>next run</th><th>last job</th><th>status</th><th></th></tr>
        {{#schedules}}<tr><td>{{id}}</td><td>{{account}}</td><td>{{jobType}}</td><td>{{interval}}</td><td>{{nextRun}}</td>
        <td>{{#lastJobID}}<a href="/jobs/{{lastJobID}}">{{lastJobID}}</a> {{lastJobState}}{{/lastJobID}}</td>
        <td>{{status}}</td><td>{{#canOperate}}<form method="post" action="/schedules/{{id}}/{{toggle}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{toggleLabel}}</button></form>{{/canOperate}}</td></tr>{{/schedules}}
        </table>
        {{^schedules}}<p>No schedule.</p>{{/schedules}}
        """
}
