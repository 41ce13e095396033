// The offline queue of visits, kept in IndexedDB so that a reload or a closed tab loses none.
// Each visit carries the client_id made on the phone, so the server stores it once however
// often it is sent.
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

export const queue = {
  add: (body) => run("readwrite", (s) => s.put({ client_id: body.client_id, body, queued_at: Date.now(), errors: null })),
  remove: (clientId) => run("readwrite", (s) => s.delete(clientId)),
  all: () => run("readonly", (s) => s.getAll()).then((items) => (items || []).sort((a, b) => a.queued_at - b.queued_at)),
  markRefused: (clientId, errors) => run("readwrite", (s) => {
    const request = s.get(clientId);
    request.onsuccess = () => { if (request.result) s.put({ ...request.result, errors }); };
  }),
};
