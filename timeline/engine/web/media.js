/* An event's media on its card: an image, a sound or a video file, a YouTube or
 * Vimeo player, or a plain link ("Media: example.org") for any other web
 * address; its caption and credit under it, whatever the kind.
 *
 * The kinds are timeline/data/media.py's, held together by
 * tests/data/media_cases.json. Ids are read strictly, so only a well-formed
 * YouTube or Vimeo address ever becomes a player, and a player is always the
 * privacy-enhanced one (youtube-nocookie.com; Vimeo with dnt=1): the only
 * hosts the pages' Content-Security-Policy lets them frame. A player is made
 * when the card is drawn, that is when a reader opens the event, never with
 * the page. Every string from the data is set as text or as an attribute.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) { module.exports = factory(); }
  else { root.TimelineMedia = factory(); }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  /* The interface's words (TimelineCore.t: view/language.py); as they are without it. */
  function t(msgid) {
    var core = typeof self !== "undefined" && self.TimelineCore;
    return core && core.t ? core.t(msgid) : msgid;
  }

  var IMAGE_ENDINGS = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp"];
  var AUDIO_ENDINGS = [".mp3", ".m4a", ".ogg", ".oga", ".wav", ".opus", ".aac"];
  var VIDEO_ENDINGS = [".mp4", ".webm", ".ogv", ".mov"];
  var YOUTUBE_HOSTS = ["youtube.com", "www.youtube.com", "m.youtube.com"];
  var VIMEO_HOSTS = ["vimeo.com", "www.vimeo.com"];
  var YOUTUBE_PLAYER = "https://www.youtube-nocookie.com/embed/";
  var VIMEO_PLAYER = "https://player.vimeo.com/video/";
  var YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
  var YOUTUBE_PATH = /^\/(?:shorts|embed)\/([A-Za-z0-9_-]{11})\/?$/;
  var YOUTU_BE_PATH = /^\/([A-Za-z0-9_-]{11})\/?$/;
  var VIMEO_PATH = /^\/([0-9]{1,12})\/?$/;
  var VIMEO_PLAYER_PATH = /^\/video\/([0-9]{1,12})\/?$/;
  // What the URL parser would drop or read as a slash (media.py's _AMBIGUOUS).
  var AMBIGUOUS = /[\\\s\x00-\x1f\x7f]/;
  var DOT_SEGMENT = /\/\.\.?(?:\/|$)/;
  // The address as typed, up to its path: its scheme, authority and path, unresolved.
  var PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^\/?#]*)([^?#]*)/;
  // What the players need: their scripts and storage in their own origin, a
  // cast or full screen, and "watch on YouTube" opening a normal window.
  var SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups " +
                "allow-popups-to-escape-sandbox";
  var ALLOW = "fullscreen; picture-in-picture";

  function endsWithOne(text, endings) {
    return endings.some(function (ending) { return text.slice(-ending.length) === ending; });
  }

  function player(kind, id) {
    return { kind: kind, id: id,
             player: kind === "youtube" ? YOUTUBE_PLAYER + id : VIMEO_PLAYER + id + "?dnt=1" };
  }

  function plain(kind) { return { kind: kind, id: "", player: "" }; }

  /* What `address` is: {kind, id, player}, or null for no web address at all. */
  function mediaOf(address) {
    address = typeof address === "string" ? address : "";
    if (!address || AMBIGUOUS.test(address)) { return null; }
    var raw = PARTS.exec(address), url;
    try { url = new URL(address); } catch (error) { return null; }
    if (!raw || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
      return null;
    }
    // A user name or a port (or an IPv6 host) is never a player's address.
    if (raw[2].indexOf("@") >= 0 || raw[2].indexOf(":") >= 0 || DOT_SEGMENT.test(raw[3])) {
      return plain("link");
    }
    var host = url.hostname, path = url.pathname, match;
    if (YOUTUBE_HOSTS.indexOf(host) >= 0) {
      if (path === "/watch") {
        var id = url.searchParams.get("v");
        if (id !== null && YOUTUBE_ID.test(id)) { return player("youtube", id); }
      } else if ((match = YOUTUBE_PATH.exec(path))) {
        return player("youtube", match[1]);
      }
      return plain("link");
    }
    if (host === "youtu.be") {
      match = YOUTU_BE_PATH.exec(path);
      return match ? player("youtube", match[1]) : plain("link");
    }
    if (VIMEO_HOSTS.indexOf(host) >= 0) {
      match = VIMEO_PATH.exec(path);
      return match ? player("vimeo", match[1]) : plain("link");
    }
    if (host === "player.vimeo.com") {
      match = VIMEO_PLAYER_PATH.exec(path);
      return match ? player("vimeo", match[1]) : plain("link");
    }
    var ending = path.toLowerCase();
    if (endsWithOne(ending, IMAGE_ENDINGS)) { return plain("image"); }
    if (endsWithOne(ending, AUDIO_ENDINGS)) { return plain("audio"); }
    if (endsWithOne(ending, VIDEO_ENDINGS)) { return plain("video"); }
    return plain("link");
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) {
      if (name === "text") { node.textContent = attributes[name]; }
      else if (name === "className") { node.className = attributes[name]; }
      else { node.setAttribute(name, attributes[name]); }
    });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child)
                                                              : child); }
    });
    return node;
  }

  function hostOf(address) { return new URL(address).hostname; }

  function link(address, text) {
    return element("a", { href: address, target: "_blank", rel: "noopener noreferrer",
                          text: text });
  }

  /* The element showing `media` (mediaOf's) at `address`; `name` says what it shows. */
  function shown(media, address, name) {
    switch (media.kind) {
      case "image":
        return element("img", { src: address, alt: name, referrerpolicy: "no-referrer",
                                loading: "lazy" });
      case "audio":
      case "video":
        // preload none: nothing is fetched until the reader presses play.
        // Its link shows only where the browser cannot play the file.
        var file = element(media.kind, { src: address, controls: "", preload: "none" },
          [link(address, (media.kind === "audio" ? t("Listen:") : t("Watch:")) + " " +
                        hostOf(address))]);
        if (media.kind === "video") { file.setAttribute("playsinline", ""); }
        return file;
      case "youtube":
      case "vimeo":
        return element("div", { className: "media-frame" }, [
          element("iframe", {
            src: media.player, loading: "lazy", sandbox: SANDBOX, allow: ALLOW,
            referrerpolicy: "strict-origin-when-cross-origin",
            title: (media.kind === "youtube" ? t("YouTube video:") : t("Vimeo video:")) + " " +
                   name })]);
      default:
        return element("p", { className: "media-address" },
                       [t("Media:") + " ", link(address, hostOf(address))]);
    }
  }

  /* The card's last figure and what it showed: drawn again (each view change
   * redraws the card), the same figure is kept, so a playing video plays on. */
  var last = { key: null, figure: null };

  /* The figure for an event's details (`more`: media_url, media_caption,
   * media_credit) titled `title`; null when it has no media. */
  function figure(more, title) {
    var address = more && more.media_url;
    var media = mediaOf(address);
    if (!media) { return null; }
    var caption = more.media_caption || "", credit = more.media_credit || "";
    var key = JSON.stringify([address, caption, credit, title]);
    if (last.key === key) { return last.figure; }
    var captionLine = caption || credit ? element("figcaption", {}, [
      caption, credit ? element("span", { className: "credit", text: (caption ? " " : "") +
                                                                    credit }) : null]) : null;
    last = { key: key, figure: element("figure", { className: "media media-" + media.kind },
                                       [shown(media, address, caption || title), captionLine]) };
    return last.figure;
  }

  /* `parent`'s children become `children`, in order, without taking out any
   * child that stays (replaceChildren would: an iframe taken out reloads, and
   * a sound or video taken out stops). */
  function replaceKeeping(parent, children) {
    var staying = new Set(children);
    Array.prototype.slice.call(parent.childNodes).forEach(function (child) {
      if (!staying.has(child)) { parent.removeChild(child); }
    });
    var next = parent.firstChild;
    children.forEach(function (child) {
      if (child === next) { next = next.nextSibling; }
      else { parent.insertBefore(child, next); }
    });
  }

  return { mediaOf: mediaOf, figure: figure, replaceKeeping: replaceKeeping };
}));
