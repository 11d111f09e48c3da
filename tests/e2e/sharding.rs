//! Shard ranges (`[discord] shards`, `shard_total`): one process running several shards, and
//! several processes sharing the shards and one `PostgreSQL` database, each receiving only
//! the events of its servers.

use safe_button::config::ShardRange;
use serde_json::json;

use crate::support::app::{TestApp, WAIT, spawn_app_on_with, spawn_app_with, start_bot};
use crate::support::db::on_postgres;
use crate::support::fake_discord::{
    FakeDiscordConfig, InteractionBuilder, Method, SentInteraction, ids,
};

/// The standard server is on shard 1 of 2, the second server on shard 0.
const STANDARD_SHARD: [u64; 2] = [1, 2];
const SECOND_SHARD: [u64; 2] = [0, 2];

fn shards(first: u32, last: u32) -> ShardRange {
    ShardRange {
        first,
        last,
        total: 2,
    }
}

/// `/report` by Alice against Bilal in `channel` of `guild`, once answered: the case is
/// stored under that server.
async fn report_in(app: &TestApp, guild: u64, channel: u64) -> SentInteraction {
    let options = json!([
        { "name": "user", "type": 6, "value": ids::BILAL.to_string() },
        { "name": "reason", "type": 4, "value": 0 },
    ]);
    let sent = app
        .fake
        .send_interaction(
            InteractionBuilder::slash_command("report", options)
                .in_guild(&app.fake.guild(guild), channel, ids::ALICE)
                .locale("fr"),
        )
        .await;
    let answer = app
        .fake
        .wait_for_request(Method::PATCH, &sent.original_path(), WAIT)
        .await
        .body
        .expect("a JSON answer");
    let text = answer["content"].as_str().unwrap_or_default();
    let reference = crate::support::reports::reference_in(text);
    let case = app
        .store
        .case_by_reference(guild.cast_signed(), &reference)
        .await
        .unwrap();
    assert!(case.is_some(), "the case is stored under server {guild}");
    sent
}

/// The guilds of the `INTERACTION_CREATE`s the fake dispatched on `shard`.
fn interactions_on(app: &TestApp, shard: [u64; 2]) -> Vec<Option<u64>> {
    app.fake
        .dispatches_on_shard(shard)
        .into_iter()
        .filter(|(event, _)| event == "INTERACTION_CREATE")
        .map(|(_, guild)| guild)
        .collect()
}

/// The guilds announced to each shard, as `(shard, guild ids)`, in identify order.
fn guilds_by_shard(app: &TestApp) -> Vec<([u64; 2], Vec<u64>)> {
    app.fake
        .identifies()
        .into_iter()
        .map(|identify| (identify.shard, identify.guild_ids))
        .collect()
}

#[tokio::test]
async fn one_process_runs_both_shards_and_answers_in_each_server() {
    // Discord recommending one shard: the bot must follow its configuration instead.
    let world = FakeDiscordConfig {
        shard_count: 1,
        ..FakeDiscordConfig::two_shards()
    };
    let app = spawn_app_with(world, |config| {
        config.discord.shards = Some(shards(0, 1));
    })
    .await;
    app.fake.wait_for_identifies(2, WAIT).await;
    assert_eq!(
        guilds_by_shard(&app),
        vec![
            (SECOND_SHARD, vec![ids::SECOND_GUILD]),
            (STANDARD_SHARD, vec![ids::GUILD]),
        ]
    );

    report_in(&app, ids::GUILD, ids::GENERAL_CHANNEL).await;
    report_in(&app, ids::SECOND_GUILD, ids::SECOND_GUILD_CHANNEL).await;
    assert_eq!(
        interactions_on(&app, STANDARD_SHARD),
        vec![Some(ids::GUILD)]
    );
    assert_eq!(
        interactions_on(&app, SECOND_SHARD),
        vec![Some(ids::SECOND_GUILD)]
    );
    app.assert_discord_traffic_valid();
}

#[tokio::test]
async fn two_processes_on_one_postgres_each_serve_the_servers_of_their_shard() {
    on_postgres(|db| async move {
        let mut first = spawn_app_on_with(FakeDiscordConfig::two_shards(), db.url(), |config| {
            config.discord.shards = Some(shards(0, 0));
        })
        .await;
        let mut second_config = first.config.clone();
        second_config.discord.shards = Some(shards(1, 1));
        let (second, stop_second) = start_bot(second_config);
        first.fake.wait_for_identifies(2, WAIT).await;
        assert_eq!(
            guilds_by_shard(&first),
            vec![
                (SECOND_SHARD, vec![ids::SECOND_GUILD]),
                (STANDARD_SHARD, vec![ids::GUILD]),
            ]
        );

        report_in(&first, ids::GUILD, ids::GENERAL_CHANNEL).await;
        report_in(&first, ids::SECOND_GUILD, ids::SECOND_GUILD_CHANNEL).await;
        assert_eq!(
            interactions_on(&first, STANDARD_SHARD),
            vec![Some(ids::GUILD)]
        );
        assert_eq!(
            interactions_on(&first, SECOND_SHARD),
            vec![Some(ids::SECOND_GUILD)]
        );

        // Two identifies in all: each process connected its one shard, not both.
        assert_eq!(first.fake.identifies().len(), 2);
        let _ = stop_second.send(());
        second.await.unwrap().expect("a clean shutdown");
        first.shutdown().await.expect("a clean shutdown");
        first.assert_discord_traffic_valid();
    })
    .await;
}
