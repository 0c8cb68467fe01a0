/** Podcasts (module `podcasts`): channels, their episodes with audio (posted with the presigned
 * form, then confirmed), publishing the feed and its public link. */
import { useState } from "preact/hooks";
import { api, idempotencyKey, ok, type Schemas } from "../api/client";
import { addTexts, t } from "../i18n";
import { atLeast, useTenant } from "../state";
import { Button, Checkbox, Empty, ErrorBox, Input, More, Page, Status, Table, TextArea, useAsync, usePaged, useSubmit, when } from "../ui";

type Channel = Schemas["ChannelResponse"];
type Episode = Schemas["EpisodeResponse"];

const tr = addTexts({
  en: {
    "podcasts.channels": "Channels",
    "podcasts.none": "No channels yet.",
    "podcasts.newChannel": "New channel",
    "podcasts.title": "Title",
    "podcasts.description": "Description",
    "podcasts.author": "Author",
    "podcasts.category": "Category (e.g. Business)",
    "podcasts.language": "Language (e.g. de)",
    "podcasts.explicit": "Explicit content",
    "podcasts.createChannel": "Create channel",
    "podcasts.feed": "Feed",
    "podcasts.unpublished": "not published",
    "podcasts.open": "Episodes",
    "podcasts.openOne": "Episodes of {title}",
    "podcasts.publish": "Publish the feed",
    "podcasts.published": "The feed is published: {url}",
    "podcasts.feedLink": "Feed of {title}",
    "podcasts.episodes": "Episodes of {title}",
    "podcasts.noEpisodes": "No episodes yet.",
    "podcasts.newEpisode": "New episode",
    "podcasts.publishedAt": "Appears on (empty: a draft)",
    "podcasts.createEpisode": "Create episode",
    "podcasts.audio": "Audio",
    "podcasts.noAudio": "no audio yet",
    "podcasts.audioFile": "Audio file of {title} (MP3 or M4A)",
    "podcasts.upload": "Upload",
    "podcasts.uploadOne": "Upload the audio of {title}",
    "podcasts.uploaded": "The audio of {title} is in place ({duration}).",
    "podcasts.tooLarge": "The file is larger than the {max} MB allowed.",
    "podcasts.uploadFailed": "The upload failed ({status}).",
    "podcasts.draft": "draft",
  },
  de: {
    "podcasts.channels": "Kanäle",
    "podcasts.none": "Noch keine Kanäle.",
    "podcasts.newChannel": "Neuer Kanal",
    "podcasts.title": "Titel",
    "podcasts.description": "Beschreibung",
    "podcasts.author": "Autor",
    "podcasts.category": "Kategorie (z. B. Business)",
    "podcasts.language": "Sprache (z. B. de)",
    "podcasts.explicit": "Nicht jugendfreie Inhalte",
    "podcasts.createChannel": "Kanal anlegen",
    "podcasts.feed": "Feed",
    "podcasts.unpublished": "nicht veröffentlicht",
    "podcasts.open": "Folgen",
    "podcasts.openOne": "Folgen von {title}",
    "podcasts.publish": "Feed veröffentlichen",
    "podcasts.published": "Der Feed ist veröffentlicht: {url}",
    "podcasts.feedLink": "Feed von {title}",
    "podcasts.episodes": "Folgen von {title}",
    "podcasts.noEpisodes": "Noch keine Folgen.",
    "podcasts.newEpisode": "Neue Folge",
    "podcasts.publishedAt": "Erscheint am (leer: Entwurf)",
    "podcasts.createEpisode": "Folge anlegen",
    "podcasts.audio": "Audio",
    "podcasts.noAudio": "noch kein Audio",
    "podcasts.audioFile": "Audiodatei von {title} (MP3 oder M4A)",
    "podcasts.upload": "Hochladen",
    "podcasts.uploadOne": "Audio von {title} hochladen",
    "podcasts.uploaded": "Das Audio von {title} ist hinterlegt ({duration}).",
    "podcasts.tooLarge": "Die Datei ist größer als die erlaubten {max} MB.",
    "podcasts.uploadFailed": "Das Hochladen ist fehlgeschlagen ({status}).",
    "podcasts.draft": "Entwurf",
  },
});

const duration = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

export function Podcasts() {
  const { tenant } = useTenant();
  const writer = atLeast(tenant.role, "member");
  const path = { tenantId: tenant.id };
  const list = useAsync(() => ok(api.GET("/tenants/{tenantId}/podcasts/channels", { params: { path } })), [tenant.id]);
  const [openId, setOpenId] = useState<string | null>(null);
  const channels = list.data?.items ?? [];
  const open = channels.find((c) => c.id === openId) ?? null;
  return (
    <Page title={t("nav.podcasts")}>
      <ErrorBox error={list.error} />
      {list.data && (
        <section class="card" aria-labelledby="channels-title">
          <h2 id="channels-title">{tr("podcasts.channels")}</h2>
          <Empty show={channels.length === 0} text={tr("podcasts.none")} />
          {channels.length > 0 && (
            <Table caption={tr("podcasts.channels")} columns={[tr("podcasts.title"), tr("podcasts.author"), tr("podcasts.feed")]} actions>
              {channels.map((channel) => (
                <tr key={channel.id}>
                  <th scope="row">{channel.title}</th>
                  <td>{channel.author}</td>
                  <td>
                    {channel.feed_url ? (
                      <a href={channel.feed_url} data-native aria-label={tr("podcasts.feedLink", { title: channel.title })}>
                        {channel.feed_url}
                      </a>
                    ) : (
                      tr("podcasts.unpublished")
                    )}
                  </td>
                  <td>
                    <Button onClick={() => setOpenId(channel.id)} aria-label={tr("podcasts.openOne", { title: channel.title })}>
                      {tr("podcasts.open")}
                    </Button>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      )}
      {list.data && writer && <NewChannel onCreated={(c) => { list.reload(); setOpenId(c.id); }} />}
      {open && <ChannelEpisodes key={open.id} channel={open} writer={writer} onChanged={list.reload} />}
    </Page>
  );
}

function NewChannel({ onCreated }: { onCreated: (c: Channel) => void }) {
  const { tenant } = useTenant();
  const empty = { title: "", description: "", author: tenant.name, category: "Business", language: "de" };
  const [fields, setFields] = useState(empty);
  const [explicit, setExplicit] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  const set = (name: keyof typeof empty) => (value: string) => setFields({ ...fields, [name]: value });
  const create = useSubmit(async () => {
    const made = await ok(
      api.POST("/tenants/{tenantId}/podcasts/channels", { params: { path: { tenantId: tenant.id } }, body: { ...fields, explicit }, headers: { "Idempotency-Key": key } }),
    );
    setKey(idempotencyKey());
    setFields(empty);
    onCreated(made);
  });
  return (
    <form class="card" onSubmit={create.onSubmit} aria-labelledby="new-channel">
      <h2 id="new-channel">{tr("podcasts.newChannel")}</h2>
      <Input label={tr("podcasts.title")} required maxLength={200} value={fields.title} onValue={set("title")} />
      <TextArea label={tr("podcasts.description")} required rows={2} value={fields.description} onValue={set("description")} />
      <div class="grid2">
        <Input label={tr("podcasts.author")} required value={fields.author} onValue={set("author")} />
        <Input label={tr("podcasts.category")} required value={fields.category} onValue={set("category")} />
        <Input label={tr("podcasts.language")} required maxLength={10} value={fields.language} onValue={set("language")} />
      </div>
      <Checkbox label={tr("podcasts.explicit")} checked={explicit} onValue={setExplicit} />
      <ErrorBox error={create.error} />
      <Button kind="primary" type="submit" busy={create.busy}>
        {tr("podcasts.createChannel")}
      </Button>
    </form>
  );
}

function ChannelEpisodes({ channel, writer, onChanged }: { channel: Channel; writer: boolean; onChanged: () => void }) {
  const { tenant } = useTenant();
  const path = { tenantId: tenant.id, channelId: channel.id };
  const list = usePaged((cursor) => ok(api.GET("/tenants/{tenantId}/podcasts/channels/{channelId}/episodes", { params: { path, query: { cursor } } })), [channel.id]);
  const [done, setDone] = useState("");
  const publish = useSubmit(async () => {
    const published = await ok(api.POST("/tenants/{tenantId}/podcasts/channels/{channelId}/publish", { params: { path } }));
    setDone(tr("podcasts.published", { url: published.feed_url ?? "" }));
    onChanged();
  });
  return (
    <section class="card" aria-labelledby="episodes-title">
      <h2 id="episodes-title">{tr("podcasts.episodes", { title: channel.title })}</h2>
      <ErrorBox error={list.error ?? publish.error} />
      {done && <Status>{done}</Status>}
      <Empty show={!list.loading && list.items.length === 0} text={tr("podcasts.noEpisodes")} />
      {list.items.length > 0 && (
        <Table caption={tr("podcasts.episodes", { title: channel.title })} columns={[tr("podcasts.title"), tr("podcasts.publishedAt"), tr("podcasts.audio")]} actions={writer}>
          {list.items.map((episode) => (
            <tr key={episode.id}>
              <th scope="row">{episode.title}</th>
              <td>{episode.published_at ? when(episode.published_at) : tr("podcasts.draft")}</td>
              <td>{episode.audio ? `${duration(episode.audio.duration_seconds)} · ${episode.audio.content_type}` : tr("podcasts.noAudio")}</td>
              {writer && (
                <td>
                  <Audio channelId={channel.id} episode={episode} onDone={list.reload} />
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
      <More list={list} />
      {writer && <NewEpisode channelId={channel.id} onCreated={list.reload} />}
      {writer && (
        <Button kind="primary" onClick={() => publish.onSubmit()} busy={publish.busy}>
          {tr("podcasts.publish")}
        </Button>
      )}
    </section>
  );
}

function NewEpisode({ channelId, onCreated }: { channelId: string; onCreated: () => void }) {
  const { tenant } = useTenant();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [at, setAt] = useState("");
  const [key, setKey] = useState(idempotencyKey);
  const create = useSubmit(async () => {
    await ok(
      api.POST("/tenants/{tenantId}/podcasts/channels/{channelId}/episodes", {
        params: { path: { tenantId: tenant.id, channelId } },
        body: { title, description, published_at: at ? new Date(at).toISOString() : null },
        headers: { "Idempotency-Key": key },
      }),
    );
    setKey(idempotencyKey());
    setTitle("");
    setDescription("");
    setAt("");
    onCreated();
  });
  return (
    <form onSubmit={create.onSubmit} aria-labelledby="new-episode" class="subform">
      <h3 id="new-episode">{tr("podcasts.newEpisode")}</h3>
      <Input label={tr("podcasts.title")} required maxLength={200} value={title} onValue={setTitle} />
      <TextArea label={tr("podcasts.description")} required rows={2} value={description} onValue={setDescription} />
      <Input label={tr("podcasts.publishedAt")} type="datetime-local" value={at} onValue={setAt} />
      <ErrorBox error={create.error} />
      <Button type="submit" busy={create.busy}>
        {tr("podcasts.createEpisode")}
      </Button>
    </form>
  );
}

/** Upload: the presigned form from the API, the file posted to storage, then confirmed (the API
 * reads the file's header, checks the format and takes the duration). */
function Audio({ channelId, episode, onDone }: { channelId: string; episode: Episode; onDone: () => void }) {
  const { tenant } = useTenant();
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState("");
  const path = { tenantId: tenant.id, channelId, episodeId: episode.id };
  const upload = useSubmit(async () => {
    if (!file) return;
    setDone("");
    const type = file.type === "audio/mp4" || file.name.endsWith(".m4a") ? "audio/mp4" : "audio/mpeg";
    const form = await ok(api.POST("/tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}/audio/upload", { params: { path }, body: { content_type: type } }));
    if (file.size > form.max_bytes) throw new Error(tr("podcasts.tooLarge", { max: String(Math.round(form.max_bytes / 1048576)) }));
    const post = new FormData();
    for (const [name, value] of Object.entries(form.fields)) post.append(name, value);
    post.append("file", file);
    const stored = await fetch(form.url, { method: "POST", body: post });
    if (!stored.ok) throw new Error(tr("podcasts.uploadFailed", { status: String(stored.status) }));
    const confirmed = await ok(
      api.POST("/tenants/{tenantId}/podcasts/channels/{channelId}/episodes/{episodeId}/audio/confirm", { params: { path }, body: { upload_id: form.upload_id } }),
    );
    setDone(tr("podcasts.uploaded", { title: episode.title, duration: duration(confirmed.audio?.duration_seconds ?? 0) }));
    onDone();
  });
  const id = `audio-${episode.id}`;
  return (
    <form onSubmit={upload.onSubmit} class="inline">
      <div class="field">
        <label for={id} class="sr-only">
          {tr("podcasts.audioFile", { title: episode.title })}
        </label>
        <input id={id} type="file" accept="audio/mpeg,audio/mp4,.mp3,.m4a" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </div>
      <Button type="submit" busy={upload.busy} aria-label={tr("podcasts.uploadOne", { title: episode.title })}>
        {tr("podcasts.upload")}
      </Button>
      <ErrorBox error={upload.error} />
      {done && <Status>{done}</Status>}
    </form>
  );
}
