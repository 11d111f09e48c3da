//! The stack's floor: a bot made of nothing but the libraries the real one is built on
//! (serenity's gateway and cache, poise's dispatch, serenity's REST client through the same
//! 429 forwarder), in a process of its own. It answers each `/report` with the real bot's
//! REST calls (ack, DM channel, DM, queue post, answer, queue edit) with one-line bodies, and
//! touches no database. What it costs per report is what those libraries cost; the real
//! bot cannot go below it without replacing them.

use std::time::{Duration, Instant};

use poise::serenity_prelude as serenity;
use safe_button::discord::rest_forwarder::RestForwarder;

use crate::bot::{Bot, Usage};
use crate::drive::{Cast, Mode, file_all, settle};
use crate::fake_discord::{FakeDiscord, FakeDiscordConfig, ids};

/// What the stack's floor measured at one level.
#[derive(Clone, Copy, Debug)]
pub struct StackFloor {
    pub bot: Usage,
    /// From the first report sent to the last answer.
    pub elapsed: Duration,
    pub reports: usize,
    pub unanswered: usize,
}

/// Files `reports` reports, `concurrency` in flight, at the floor bot.
pub async fn measure(mode: Mode, concurrency: usize, reports: usize) -> StackFloor {
    let cast = Cast::new(mode, reports);
    let payloads = cast.payloads();
    let world = FakeDiscordConfig {
        validate_bodies: false,
        ..FakeDiscordConfig::default()
    };
    let fake = std::sync::Arc::new(FakeDiscord::start_with(world).await);
    let bot = Bot::start_stack_floor(&fake).await;
    cast.join(&fake);
    let before = bot.usage();
    let started = Instant::now();
    let sent = file_all(&fake, payloads, concurrency).await;
    let elapsed = started.elapsed();
    settle(&fake, &cast, mode).await;
    let usage = bot.usage().since(&before);
    bot.stop().await;
    StackFloor {
        bot: usage,
        elapsed,
        reports,
        unanswered: sent.iter().filter(|sent| !sent.answered).count(),
    }
}

struct Floor {
    queue: serenity::ChannelId,
}

type FloorError = Box<dyn std::error::Error + Send + Sync>;
type FloorContext<'a> = poise::Context<'a, Floor, FloorError>;

/// The floor bot's process: the token from `DISCORD_TOKEN`, the fake's REST base.
pub fn bot_main(api_base: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    runtime.block_on(async {
        let token = std::env::var("DISCORD_TOKEN").expect("DISCORD_TOKEN");
        let upstream = api_base.parse().expect("the fake's URL");
        let forwarder = RestForwarder::start(upstream, safe_button::metrics::Metrics::default())
            .await
            .expect("a forwarder");
        let http = serenity::HttpBuilder::new(&token)
            .proxy(forwarder.base())
            .ratelimiter_disabled(true)
            .build();
        let framework = poise::Framework::builder()
            .options(poise::FrameworkOptions {
                commands: vec![report()],
                initialize_owners: false,
                ..Default::default()
            })
            .setup(|_, _, _| {
                let queue = serenity::ChannelId::new(ids::QUEUE_CHANNEL);
                Box::pin(async move { Ok(Floor { queue }) })
            })
            .build();
        let mut client = serenity::ClientBuilder::new_with_http(http, safe_button::app::intents())
            .framework(framework)
            .await
            .expect("a client");
        client.start().await.expect("the gateway");
    });
}

/// The real `/report`'s options, by name.
#[poise::command(slash_command, guild_only)]
async fn report(
    ctx: FloorContext<'_>,
    user: serenity::User,
    #[rename = "reason"] _reason: i64,
    #[rename = "details"] _details: Option<String>,
) -> Result<(), FloorError> {
    let poise::Context::Application(command) = ctx else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let answer = serenity::EditInteractionResponse::new().content("Signalement reçu.");
    command
        .interaction
        .edit_response(ctx.http(), answer)
        .await?;
    let (http, victim) = (
        std::sync::Arc::clone(&ctx.serenity_context().http),
        ctx.author().id,
    );
    let queue = ctx.data().queue;
    tokio::spawn(deliver(http, victim, user.id, queue));
    Ok(())
}

/// The help card DM and the queue post side by side, then the post's redraw.
async fn deliver(
    http: std::sync::Arc<serenity::Http>,
    victim: serenity::UserId,
    reported: serenity::UserId,
    queue: serenity::ChannelId,
) {
    let card = async {
        let channel = victim.create_dm_channel(&http).await?;
        let card = serenity::CreateMessage::new().content("3018");
        channel.id.send_message(&http, card).await
    };
    let post = serenity::CreateMessage::new().content(format!("<@{reported}>"));
    let (_, post) = tokio::join!(card, queue.send_message(&http, post));
    if let Ok(post) = post {
        let redraw = serenity::EditMessage::new().content(format!("<@{reported}> 3018"));
        let _ = queue.edit_message(&http, post.id, redraw).await;
    }
}
