// The offline queue of visits, kept in IndexedDB so that a reload or a closed tab loses none.
// Each visit carries the client_id of its form, so the server stores it once however often it
// is sent, and the username of the liaison who filled it: a queued visit is shown to, sent with
// the token of, and removable by its author only (several liaisons may share one phone).
// The database's name stays as the first phones created it, though it names one district:
// phones in the field hold unsent visits in it, and a new name would open an empty queue and
// strand them (names-in-code test: the one allowed).
const DB = "xicheng-visits", STORE = "queue";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

const everything = () => run("readonly", (s) => s.getAll()).then((items) => (items || []).sort((a, b) => a.queued_at - b.queued_at));

// Changes one stored item of `owner` in place; another liaison's item is left alone.
const update = (owner, clientId, change) => run("readwrite", (s) => {
  const request = s.get(clientId);
  request.onsuccess = () => { if (request.result && request.result.owner === owner) s.put(change(request.result)); };
});

export const queue = {
  add: (owner, body) => run("readwrite", (s) => s.put({ client_id: body.client_id, owner, body, queued_at: Date.now(), errors: null })),
  // Only the author's item is removed; the key alone is not enough.
  remove: (owner, clientId) => run("readwrite", (s) => {
    const request = s.get(clientId);
    request.onsuccess = () => { if (request.result && request.result.owner === owner) s.delete(clientId); };
  }),
  get: (owner, clientId) => everything().then((items) => items.find((i) => i.owner === owner && i.client_id === clientId) || null),
  all: (owner) => everything().then((items) => items.filter((i) => i.owner === owner)),
  markRefused: (owner, clientId, errors) => update(owner, clientId, (item) => ({ ...item, errors })),
  // Visits queued before queues had owners belong to the liaison logged in when this version
  // first ran (the phone's user then), never to whoever logs in later.
  claimUnowned: (owner) => run("readwrite", (s) => {
    const request = s.getAll();
    request.onsuccess = () => { for (const item of request.result || []) if (!item.owner) s.put({ ...item, owner }); };
  }),
};
