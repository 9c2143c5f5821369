// Added by `site-gen serve` only: reloads the page after each rebuild.
// The connection is closed when the page is hidden: pages kept in the back/forward cache would
// otherwise hold theirs open until the browser runs out of connections to the server.
let events;
function listen() {
  events = new EventSource("/__site-gen/events");
  events.addEventListener("reload", () => location.reload());
}
addEventListener("pageshow", listen);
addEventListener("pagehide", () => events && events.close());
