// Added by `site-gen serve` only: reloads the page after each rebuild.
new EventSource("/__site-gen/events").addEventListener("reload", () => location.reload());
