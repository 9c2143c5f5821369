//! The store/mailer behaviour suite (`functions::testing`) on the embedded redb store.

use functions::local::RedbStore;
use functions::store::ProposalStore;
use functions::testing;
use std::sync::Arc;

fn fresh() -> (tempfile::TempDir, Arc<dyn ProposalStore>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = RedbStore::open(&dir.path().join("proposals.redb")).expect("open store");
    (dir, Arc::new(store))
}

macro_rules! scenario {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            let (_dir, store) = fresh();
            testing::$name(store).await;
        }
    )*};
}

functions::behaviour_scenarios!(scenario);
