/**
 * Resources of the bq-harper-sync component, loaded on every node.
 *
 * POST /SyncUpsert  {"database": "data", "table": "T", "records": [...]}
 *
 * Writes each record unless the row already stored under its primary key is at least as new.
 * "New" is the record's syncVersion, a fixed-width string the sync derives from the row's cursor
 * timestamp and, for rows of one key that share a timestamp, a fingerprint of the row's content:
 * comparing the strings compares the rows in source order. The read of the stored row and the
 * write happen in the request's one transaction on this node, so an older row that arrives after a
 * newer one (another shard, a re-scan, a replayed page after a crash) never replaces it.
 *
 * A table that declares the attributes harperCreatedAt and harperUpdatedAt (a table the sync
 * created) gets them stamped here, in ms since epoch: the time of the key's first and latest
 * write, on the node that took it; replication copies the stamps. Harper's own created/updated
 * time flags would do this, but 4.7.29 drops them from the copies of a replicated create_table.
 *
 * Answers {"written": n, "skipped": m}. A value of the wrong type refuses the whole request with
 * 400 and Harper's message, as the operations API's upsert does, so the caller can bisect.
 *
 * Only a logged-in user who may insert and update the table may call it: a resource of a component
 * is otherwise open to anonymous requests.
 */
const STAMPS = ['harperCreatedAt', 'harperUpdatedAt'];

export class SyncUpsert extends Resource {
	static loadAsInstance = false;

	async post(target, body) {
		const request = await body;
		const database = databases[request?.database ?? 'data'];
		const table = database?.[request?.table];
		if (!table) {
			const error = new Error(`Table '${request?.database ?? 'data'}.${request?.table}' does not exist`);
			error.statusCode = 404;
			throw error;
		}
		const records = request.records;
		if (!Array.isArray(records)) {
			const error = new Error('records: an array of records is required');
			error.statusCode = 400;
			throw error;
		}
		const context = this.getContext();
		const permission = context.user?.role?.permission;
		const tablePermission = permission?.[request.database ?? 'data']?.tables?.[request.table];
		if (!permission?.super_user && !(tablePermission?.insert && tablePermission?.update)) {
			const error = new Error(context.user ? 'not allowed to write ' + request.table : 'Login required');
			error.statusCode = context.user ? 403 : 401;
			throw error;
		}
		const key = table.primaryKey;
		const stamps = STAMPS.every((name) => table.attributes?.some((attribute) => attribute.name === name));
		let written = 0;
		let skipped = 0;
		for (const record of records) {
			const stored = await table.get(record[key], context);
			if (stored && stored.syncVersion !== undefined && record.syncVersion !== undefined
					&& stored.syncVersion >= record.syncVersion) {
				skipped++;
				continue;
			}
			if (stamps) {
				const now = Date.now();
				record.harperUpdatedAt = now;
				record.harperCreatedAt = stored?.harperCreatedAt ?? now;
			}
			await table.put(record, context);
			written++;
		}
		return { written, skipped };
	}
}
