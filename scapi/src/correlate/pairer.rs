//! The one pairing state of the crate: who sent each request (the client, interned), the
//! requests that an answer may belong to by (client, referenceId), and those of senders no frame
//! matched by (origin, referenceId). [`super::correlate_facts`] (the panel, `decode`, `convert`),
//! the streaming [`crate::summary::Summarizer`] and [`crate::policy::checker::Checker`] all pair
//! through it, each keeping its own data `T` per exchange and deciding when to forget one
//! (bounded memory is theirs to keep).

use super::{client_of, Client, Sender, SKEW_MS};
use crate::job::Shredder;
use crate::record::{FrameInfo, FrameKey};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A client (as [`client_of`] names it), interned.
pub type ClientId = u32;

/// An exchange, numbered in the order requests were opened.
pub type ExchangeId = u64;

/// A request kept for its answers, with the caller's data.
#[derive(Clone, Debug)]
pub struct Open<T> {
    pub client: ClientId,
    pub reference_id: String,
    pub requested_at: f64,
    /// An answer was taken: no longer a candidate for an answer in another frame.
    pub answered: bool,
    pub data: T,
}

/// The request an answer belongs to, as chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub exchange: ExchangeId,
    /// The answer's frame sent no such request, and requests of several senders not told apart
    /// could be the one: the choice is a guess.
    pub ambiguous: bool,
}

#[derive(Clone, Debug)]
pub struct Pairer<T> {
    frames: Vec<FrameInfo>,
    frame_ids: HashMap<FrameKey, Value>,
    clients: Vec<Client>,
    client_ids: HashMap<Client, ClientId>,
    exchanges: HashMap<ExchangeId, Open<T>>,
    by_key: HashMap<(ClientId, String), Vec<ExchangeId>>,
    /// Unanswered requests of senders no frame matched, by (their origin, referenceId): where an
    /// answer looks when its own frame sent no such request.
    unresolved: HashMap<(String, String), Vec<ExchangeId>>,
    /// Which unresolved sender a frame is, learned from an answer that only one sender's
    /// request could take (`None`: two answers said otherwise).
    learned: HashMap<usize, Option<ClientId>>,
    /// (origin, referenceId) of unresolved senders where an answer was paired by a guess: what
    /// is left there for later answers is the rest of that guess, a guess too.
    guessed: HashSet<(String, String)>,
    next: ExchangeId,
}

impl<T> Default for Pairer<T> {
    fn default() -> Self {
        Pairer {
            frames: Vec::new(),
            frame_ids: HashMap::new(),
            clients: Vec::new(),
            client_ids: HashMap::new(),
            exchanges: HashMap::new(),
            by_key: HashMap::new(),
            unresolved: HashMap::new(),
            learned: HashMap::new(),
            guessed: HashSet::new(),
            next: 0,
        }
    }
}

impl<T> Pairer<T> {
    pub fn new(frames: Vec<FrameInfo>) -> Pairer<T> {
        Pairer {
            frames,
            ..Pairer::default()
        }
    }

    /// Room for `requests` more requests (a pairing that knows how many saves the rehashes).
    pub fn reserve(&mut self, requests: usize) {
        self.exchanges.reserve(requests);
        self.by_key.reserve(requests);
    }

    /// Room for `requests` more requests of senders no frame matched.
    pub fn reserve_unresolved(&mut self, requests: usize) {
        self.unresolved.reserve(requests);
    }

    /// Lets the pairing state go a piece at a time (see [`Shredder`]).
    pub fn shred(self, shredder: &mut Shredder)
    where
        T: 'static,
    {
        shredder.add(self.exchanges);
        shredder.add(self.by_key);
        shredder.add(self.unresolved);
        shredder.add(self.client_ids);
        shredder.add(self.clients);
    }

    /// Adds a frame records can then name by its index.
    pub fn add_frame(&mut self, frame: FrameInfo) -> usize {
        self.frames.push(frame);
        self.frames.len() - 1
    }

    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }

    /// The frameId the service assigned to each frame, by frame key.
    pub fn frame_ids(&self) -> &HashMap<FrameKey, Value> {
        &self.frame_ids
    }

    /// The service assigned `frame_id` to `frames[frame]`.
    pub fn assign_frame_id(&mut self, frame: usize, frame_id: Value) {
        if let Some(info) = self.frames.get(frame) {
            self.frame_ids.insert(info.key.clone(), frame_id);
        }
    }

    /// The client that sent a message received by `frames[receiver]`, interned.
    pub fn sender<'a>(&mut self, receiver: usize, sender: impl Into<Sender<'a>>) -> ClientId {
        let client = client_of(&self.frames, receiver, sender, &self.frame_ids);
        self.intern(client)
    }

    fn intern(&mut self, client: Client) -> ClientId {
        if let Some(&id) = self.client_ids.get(&client) {
            return id;
        }
        let id = self.clients.len() as ClientId;
        self.clients.push(client.clone());
        self.client_ids.insert(client, id);
        id
    }

    /// The id of a client seen before.
    pub fn known_client(&self, client: &Client) -> Option<ClientId> {
        self.client_ids.get(client).copied()
    }

    pub fn client(&self, id: ClientId) -> &Client {
        &self.clients[id as usize]
    }

    /// The sender's origin when `client` is one no frame matched.
    fn unresolved_origin(&self, client: ClientId) -> Option<&str> {
        match &self.clients[client as usize] {
            Client::Unresolved { origin, .. } => Some(origin),
            Client::Frame { .. } => None,
        }
    }

    /// A request of `client` with `reference_id`, sent at `requested_at`, now waits for answers.
    pub fn open(
        &mut self,
        client: ClientId,
        reference_id: &str,
        requested_at: f64,
        data: T,
    ) -> ExchangeId {
        let id = self.next;
        self.next += 1;
        self.by_key
            .entry((client, reference_id.to_owned()))
            .or_default()
            .push(id);
        if let Some(origin) = self.unresolved_origin(client) {
            let key = (origin.to_owned(), reference_id.to_owned());
            self.unresolved.entry(key).or_default().push(id);
        }
        self.exchanges.insert(
            id,
            Open {
                client,
                reference_id: reference_id.to_owned(),
                requested_at,
                answered: false,
                data,
            },
        );
        id
    }

    /// The request an answer received by `frames[frame]` at `time` belongs to: the latest request
    /// of that frame with this referenceId sent before the answer (a reloaded client starts
    /// again at "0"); when that frame sent none, an unanswered one of a sender no frame matched,
    /// with the frame's origin.
    pub fn choose(&self, frame: usize, time: f64, reference_id: &str) -> Option<Choice> {
        let receiver = self.frames.get(frame)?;
        let client = Client::Frame {
            frame: receiver.key.clone(),
        };
        let own = self
            .client_ids
            .get(&client)
            .and_then(|&client| self.by_key.get(&(client, reference_id.to_owned())));
        let sent_before = |id: &ExchangeId| {
            self.exchanges
                .get(id)
                .is_some_and(|open| open.requested_at <= time + SKEW_MS)
        };
        if let Some(ids) = own {
            return ids
                .iter()
                .rev()
                .find(|id| sent_before(id))
                .map(|&exchange| Choice {
                    exchange,
                    ambiguous: false,
                });
        }
        let key = (receiver.origin.clone(), reference_id.to_owned());
        let ids = self.unresolved.get(&key)?;
        let mut candidates: Vec<ExchangeId> = ids.iter().copied().filter(sent_before).collect();
        // What earlier answers taught: this frame is a known sender, or the others are.
        let client_of = |id: &ExchangeId| self.exchanges.get(id).map(|open| open.client);
        let narrowed: Vec<ExchangeId> = match self.learned.get(&frame) {
            Some(Some(client)) => candidates
                .iter()
                .copied()
                .filter(|id| client_of(id) == Some(*client))
                .collect(),
            _ => {
                let taken: HashSet<ClientId> = self
                    .learned
                    .iter()
                    .filter(|(&other, _)| other != frame)
                    .filter_map(|(_, client)| *client)
                    .collect();
                candidates
                    .iter()
                    .copied()
                    .filter(|id| client_of(id).is_some_and(|client| !taken.contains(&client)))
                    .collect()
            }
        };
        if !narrowed.is_empty() {
            candidates = narrowed;
        }
        let senders: HashSet<ClientId> = candidates
            .iter()
            .filter_map(|id| self.exchanges.get(id).map(|open| open.client))
            .collect();
        candidates.iter().max().map(|&exchange| Choice {
            exchange,
            ambiguous: senders.len() > 1 || self.guessed.contains(&key),
        })
    }

    /// Exchanges kept (not closed).
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// Clients told apart so far.
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// An answer received by `frames[frame]` took `choice`: when only one sender's request could
    /// be it and that sender is not a captured frame, the frame is that sender from now on (its
    /// later answers look at that sender's requests first, and other frames' answers not).
    pub fn learn(&mut self, frame: usize, choice: Choice) {
        let Some(open) = self.exchanges.get(&choice.exchange) else {
            return;
        };
        let client = open.client;
        let Client::Unresolved { origin, .. } = &self.clients[client as usize] else {
            return;
        };
        if choice.ambiguous {
            self.guessed
                .insert((origin.clone(), open.reference_id.clone()));
            return;
        }
        match self.learned.get(&frame) {
            None => {
                self.learned.insert(frame, Some(client));
            }
            Some(Some(known)) if *known != client => {
                self.learned.insert(frame, None);
            }
            _ => {}
        }
    }

    /// What [`Pairer::learn`] found about each frame, to start another pass with.
    pub fn learned(&self) -> HashMap<usize, Option<ClientId>> {
        self.learned.clone()
    }

    /// Starts with what an earlier pass learned (see [`Pairer::learned`]).
    pub fn know(&mut self, learned: HashMap<usize, Option<ClientId>>) {
        self.learned = learned;
    }

    pub fn get(&self, id: ExchangeId) -> Option<&Open<T>> {
        self.exchanges.get(&id)
    }

    pub fn get_mut(&mut self, id: ExchangeId) -> Option<&mut Open<T>> {
        self.exchanges.get_mut(&id)
    }

    /// The exchange took an answer: answers in other frames no longer look at it.
    pub fn answered(&mut self, id: ExchangeId) {
        let Some(open) = self.exchanges.get_mut(&id) else {
            return;
        };
        open.answered = true;
        let (client, reference_id) = (open.client, open.reference_id.clone());
        self.forget_unresolved(id, client, reference_id);
    }

    /// Forgets an exchange (bounded memory): no answer finds it any more.
    pub fn close(&mut self, id: ExchangeId) -> Option<Open<T>> {
        let open = self.exchanges.remove(&id)?;
        self.forget_unresolved(id, open.client, open.reference_id.clone());
        let key = (open.client, open.reference_id.clone());
        if let Some(ids) = self.by_key.get_mut(&key) {
            ids.retain(|&other| other != id);
            if ids.is_empty() {
                self.by_key.remove(&key);
            }
        }
        Some(open)
    }

    fn forget_unresolved(&mut self, id: ExchangeId, client: ClientId, reference_id: String) {
        let Some(origin) = self.unresolved_origin(client) else {
            return;
        };
        let key = (origin.to_owned(), reference_id);
        if let Some(ids) = self.unresolved.get_mut(&key) {
            ids.retain(|&other| other != id);
            if ids.is_empty() {
                self.unresolved.remove(&key);
            }
        }
    }
}
