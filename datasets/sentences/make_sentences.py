"""Generate the course's sentence data sets (seeded; a few seconds on one CPU core).

    python datasets/sentences/make_sentences.py

Writes, each folder with its card README.md (licence MIT, course-generated; no external text):
    similarity/{train,test}.jsonl   sentence pairs, graded similarity 0-5 by construction   (stands in for STS-B)
    retrieval/passages.jsonl, queries.jsonl, qrels.jsonl   passages, queries, judgments   (stands in for BEIR)
    topics/{train,test}.jsonl       topic-labelled sentences                               (stands in for AG News)
    wic/{train,test}.jsonl          ambiguous word in context, with character span and sense (stands in for WiC)

Every set is produced by seeded templates over small hand-written lexicons; see each card for the construction.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 7

NAMES = """Alice Ben Carla David Elena Farid Grace Hiro Ines Jonas Kemi Liam Maya Nikos Olga Pedro Quinn Rosa
Samir Tara Umar Vera Wen Ximena Yusuf Zoe Anton Bianca Chen Dora""".split()

# --------------------------------------------------------------------------- topic frames (similarity + topics)
# Each topic: subjects, actions (past-tense paraphrase set), objects (noun paraphrase set), places, times.
# A paraphrase swaps every slot for a synonym and may change the sentence pattern.
TOPICS = {
    "sports": dict(
        subj=[["the striker", "the forward"], ["the coach", "the manager"], ["the goalkeeper", "the keeper"],
              ["the young runner", "the teenage sprinter"], ["the tennis champion", "the reigning tennis winner"],
              ["the home team", "the local side"]],
        act=[["won", "claimed", "secured"], ["lost", "was defeated in"], ["trained for", "prepared for"],
             ["scored in", "found the net in"], ["celebrated", "cheered after"], ["missed", "sat out"]],
        obj=[["the final", "the championship game"], ["the marathon", "the long-distance race"],
             ["the derby", "the local rivalry match"], ["the semi-final", "the last-four match"],
             ["the cup tie", "the knockout game"], ["the season opener", "the first game of the season"]],
        place=[["at the stadium", "in the arena"], ["in the rain", "under heavy rain"], ["abroad", "overseas"],
               ["at home", "on home ground"]],
        time=[["on Saturday", "at the weekend"], ["last night", "yesterday evening"], ["in May", "this May"]]),
    "food": dict(
        subj=[["the chef", "the cook"], ["my grandmother", "my gran"], ["the baker", "the pastry maker"],
              ["the restaurant", "the bistro"], ["the students", "the pupils"], ["the food critic", "the reviewer"]],
        act=[["cooked", "prepared", "made"], ["tasted", "sampled"], ["burned", "overcooked"],
             ["served", "dished up"], ["praised", "raved about"], ["ordered", "asked for"]],
        obj=[["a spicy curry", "a hot curry"], ["fresh bread", "a warm loaf"], ["a chocolate cake", "a cocoa sponge"],
             ["vegetable soup", "a broth of vegetables"], ["grilled fish", "fish from the grill"],
             ["a lemon tart", "a citrus pie"]],
        place=[["in the kitchen", "at the stove"], ["for the party", "for the celebration"],
               ["at the market", "at the food stall"], ["for dinner", "for the evening meal"]],
        time=[["this morning", "earlier today"], ["on Sunday", "at the weekend"], ["last week", "a week ago"]]),
    "weather": dict(
        subj=[["the storm", "the tempest"], ["the heavy rain", "the downpour"], ["the strong wind", "the gale"],
              ["the heatwave", "the spell of extreme heat"], ["the snow", "the snowfall"], ["the fog", "the mist"]],
        act=[["flooded", "submerged"], ["closed", "shut down"], ["damaged", "harmed"], ["delayed", "held up"],
             ["covered", "blanketed"], ["hit", "struck"]],
        obj=[["the coastal road", "the road by the sea"], ["the small village", "the little town"],
             ["the airport", "the airfield"], ["the farm fields", "the crops"], ["the train line", "the railway"],
             ["the old bridge", "the ancient crossing"]],
        place=[["in the north", "in the northern region"], ["near the coast", "close to the shore"],
               ["across the valley", "throughout the valley"], ["in the mountains", "up in the hills"]],
        time=[["overnight", "during the night"], ["on Tuesday", "this Tuesday"], ["this winter", "over the winter"]]),
    "technology": dict(
        subj=[["the engineer", "the developer"], ["the startup", "the young company"], ["the phone maker",
              "the smartphone company"], ["the researchers", "the scientists"], ["the hackers", "the attackers"],
              ["the city council", "the local government"]],
        act=[["released", "launched"], ["fixed", "repaired", "patched"], ["tested", "trialled"],
             ["hacked", "broke into"], ["updated", "upgraded"], ["cancelled", "scrapped"]],
        obj=[["a new app", "a new application"], ["the laptop", "the notebook computer"],
             ["the database", "the data store"], ["a faster chip", "a quicker processor"],
             ["the website", "the web site"], ["a delivery robot", "a robot courier"]],
        place=[["in the lab", "in the laboratory"], ["for schools", "for classrooms"],
               ["in Europe", "across Europe"], ["online", "on the internet"]],
        time=[["on Monday", "this Monday"], ["last month", "a month ago"], ["after months of work",
              "following months of effort"]]),
    "health": dict(
        subj=[["the doctor", "the physician"], ["the nurse", "the ward nurse"], ["the patient", "the sick man"],
              ["the hospital", "the clinic"], ["the dentist", "the tooth doctor"], ["the athlete", "the sportswoman"]],
        act=[["treated", "cared for"], ["examined", "checked"], ["recovered from", "got over"],
             ["vaccinated", "immunised"], ["warned about", "cautioned about"], ["suffered from", "had"]],
        obj=[["a broken arm", "a fractured arm"], ["the flu", "influenza"], ["a sore throat", "a painful throat"],
             ["the children", "the kids"], ["high blood pressure", "hypertension"], ["a bad cough", "a heavy cough"]],
        place=[["at the clinic", "in the surgery"], ["in the emergency room", "in casualty"],
               ["at home", "in bed at home"], ["in the village", "in the small town"]],
        time=[["on Friday", "this Friday"], ["last winter", "during the winter"], ["for two weeks",
              "for a fortnight"]]),
    "travel": dict(
        subj=[["the tourists", "the visitors"], ["the pilot", "the captain"], ["my brother", "my sibling"],
              ["the family", "the household"], ["the backpackers", "the young travellers"], ["the guide",
              "the tour leader"]],
        act=[["visited", "toured"], ["booked", "reserved"], ["missed", "did not catch"],
             ["explored", "wandered around"], ["photographed", "took pictures of"], ["left", "departed from"]],
        obj=[["the old castle", "the ancient fortress"], ["a night train", "an overnight train"],
             ["the museum", "the gallery"], ["a cheap hotel", "a budget hotel"], ["the island", "the isle"],
             ["the harbour", "the port"]],
        place=[["in Italy", "in the Italian countryside"], ["during the holiday", "on vacation"],
               ["with friends", "with a group of friends"], ["by bus", "on a coach"]],
        time=[["in August", "this August"], ["last summer", "the previous summer"], ["at dawn", "at sunrise"]]),
    "music": dict(
        subj=[["the singer", "the vocalist"], ["the band", "the group"], ["the orchestra", "the symphony players"],
              ["the pianist", "the piano player"], ["the choir", "the chorus"], ["the young drummer",
              "the teenage percussionist"]],
        act=[["performed", "played"], ["recorded", "taped"], ["rehearsed", "practised"],
             ["wrote", "composed"], ["cancelled", "called off"], ["sang", "performed vocally"]],
        obj=[["a new song", "a fresh track"], ["the concert", "the show"], ["an old ballad", "a traditional ballad"],
             ["the album", "the record"], ["a jazz piece", "a jazz number"], ["the anthem", "the national song"]],
        place=[["in the hall", "in the concert hall"], ["on the radio", "on air"], ["at the festival",
               "at the music festival"], ["in the studio", "in the recording studio"]],
        time=[["last night", "yesterday evening"], ["on Thursday", "this Thursday"], ["in the spring",
              "in springtime"]]),
    "business": dict(
        subj=[["the bank", "the lender"], ["the company", "the firm"], ["the shop owner", "the store owner"],
              ["the investors", "the shareholders"], ["the factory", "the plant"], ["the chief executive",
              "the CEO"]],
        act=[["raised", "increased"], ["cut", "reduced", "lowered"], ["announced", "revealed"],
             ["sold", "got rid of"], ["bought", "purchased", "acquired"], ["hired", "recruited"]],
        obj=[["its prices", "what it charges"], ["two hundred workers", "200 staff"], ["a rival firm",
              "a competitor"], ["the profits", "the earnings"], ["a new branch", "another office"],
             ["the old warehouse", "the former depot"]],
        place=[["in London", "in the British capital"], ["after the meeting", "following the meeting"],
               ["in the city", "downtown"], ["across the region", "throughout the region"]],
        time=[["on Wednesday", "this Wednesday"], ["last year", "the year before"], ["in the first quarter",
              "in the first three months of the year"]]),
}
TOPIC_NAMES = list(TOPICS)


def frame(r: random.Random, topic: str) -> dict:
    t = TOPICS[topic]
    return {k: r.randrange(len(t[k])) for k in ("subj", "act", "obj", "place", "time")} | {"topic": topic}


def realise(r: random.Random, f: dict, *, paraphrase_of: dict | None = None, drop: str | None = None) -> str:
    """Turn a frame into a sentence; with `paraphrase_of`, pick different synonyms/pattern where possible."""
    t = TOPICS[f["topic"]]
    words = {}
    for k in ("subj", "act", "obj", "place", "time"):
        options = t[k][f[k]]
        words[k] = r.choice(options[1:] if paraphrase_of is not None and len(options) > 1 else options[:1]
                            if paraphrase_of is None and r.random() < 0.5 else options)
    if drop:
        words[drop] = ""
    s, a, o, p, tm = (words[k] for k in ("subj", "act", "obj", "place", "time"))
    patterns = [f"{s} {a} {o} {p} {tm}", f"{tm}, {s} {a} {o} {p}", f"{p}, {s} {a} {o} {tm}",
                f"{s} {a} {o} {tm} {p}"]
    sent = r.choice(patterns)
    sent = " ".join(sent.replace(" ,", ",").split()).strip(", ")
    if sent.startswith(","):
        sent = sent[1:].strip()
    return sent[0].upper() + sent[1:] + "."


def make_similarity(r: random.Random, n: int = 640) -> list[dict]:
    """Pairs with graded scores by construction (see the card)."""
    rows, seen = [], set()
    kinds = [5, 4, 3, 2, 1, 0]
    while len(rows) < n:
        score = kinds[len(rows) % len(kinds)]
        topic = r.choice(TOPIC_NAMES)
        f = frame(r, topic)
        s1 = realise(r, f)
        if score == 5:  # paraphrase: same frame, synonyms and another pattern
            s2 = realise(r, f, paraphrase_of=f)
        elif score == 4:  # paraphrase that drops one detail (place or time)
            s2 = realise(r, f, paraphrase_of=f, drop=r.choice(["place", "time"]))
        elif score == 3:  # same actor and action, different object and setting
            g = dict(f)
            g["obj"] = (f["obj"] + r.randrange(1, len(TOPICS[topic]["obj"]))) % len(TOPICS[topic]["obj"])
            g["place"] = (f["place"] + 1) % len(TOPICS[topic]["place"])
            s2 = realise(r, g)
        elif score == 2:  # same topic, shares only the object
            g = frame(r, topic)
            g["obj"] = f["obj"]
            g["subj"] = (f["subj"] + r.randrange(1, len(TOPICS[topic]["subj"]))) % len(TOPICS[topic]["subj"])
            g["act"] = (f["act"] + r.randrange(1, len(TOPICS[topic]["act"]))) % len(TOPICS[topic]["act"])
            s2 = realise(r, g)
        elif score == 1:  # same topic, nothing else in common
            g = {k: (v + r.randrange(1, len(TOPICS[topic][k]))) % len(TOPICS[topic][k]) if k != "topic" else v
                 for k, v in f.items()}
            s2 = realise(r, g)
        else:  # different topic
            other = r.choice([x for x in TOPIC_NAMES if x != topic])
            s2 = realise(r, frame(r, other))
        if s1 == s2 or (s1, s2) in seen:
            continue
        seen.add((s1, s2))
        if r.random() < 0.5:
            s1, s2 = s2, s1
        rows.append({"sentence1": s1, "sentence2": s2, "score": float(score), "topic": topic})
    r.shuffle(rows)
    return rows


def make_topics(r: random.Random, n_per_topic: int = 150, exclude: set[str] = frozenset()) -> list[dict]:
    rows, seen = [], set(exclude)
    for topic in TOPIC_NAMES:
        k = 0
        while k < n_per_topic:
            s = realise(r, frame(r, topic), paraphrase_of=None if r.random() < 0.5 else {},
                        drop=r.choice([None, None, "place", "time"]))
            if s in seen:
                continue
            seen.add(s)
            rows.append({"text": s, "label": topic})
            k += 1
    r.shuffle(rows)
    return rows


# --------------------------------------------------------------------------- retrieval
SYL = "ka lo mi ra ten vel dor an is bel cor fen gal hul ir jas kor lun mar nor os pel quin ros sul tor ur vin wes yar zel".split()
KINDS = ["town", "village", "island", "city", "valley", "port"]
ASPECTS = {
    "economy": dict(
        values=[("catch and dry cod", "fishing"), ("grow olives and press oil", "olive farming"),
                ("cut slate from the quarries", "stone quarrying"), ("weave woollen blankets", "textiles"),
                ("build wooden boats", "boat building"), ("keep bees and sell honey", "honey"),
                ("mine copper in the hills", "copper mining"), ("make glass bottles", "glassmaking"),
                ("brew cider from local apples", "cider"), ("repair ships in the dry dock", "ship repair"),
                ("raise goats for cheese", "cheese making"), ("write software for banks", "software")],
        passages=["Most people in {E} {v0}. This trade has fed families there for generations.",
                  "In {E}, the usual way to earn a wage is to {v0}; few other jobs exist."],
        queries=["How do residents of {E} make a living?", "What is the main industry of {E}?",
                 "What work do locals in {E} mostly do?"]),
    "food": dict(
        values=[("a stew of lentils and smoked pork", "lentil stew"), ("flatbread baked on hot stones", "flatbread"),
                ("river trout wrapped in fig leaves", "trout"), ("sweet dumplings filled with plums", "dumplings"),
                ("a cold soup of cucumber and yoghurt", "cucumber soup"), ("rice cooked with saffron and mussels",
                "saffron rice"), ("roasted chestnuts with honey", "chestnuts"), ("pickled herring on rye", "herring"),
                ("a pie of goat cheese and spinach", "cheese pie"), ("noodles in a peppery broth", "noodles")],
        passages=["The traditional dish of {E} is {v0}. Cooks there serve it at every family gathering.",
                  "Ask anyone in {E} about home cooking and they will mention {v0}."],
        queries=["What meal is {E} known for?", "What do people in {E} like to eat?",
                 "Which local recipe should a visitor to {E} try?"]),
    "festival": dict(
        values=[("lanterns are floated down the river", "lantern"), ("everyone throws flour at each other", "flour"),
                ("fishermen race their boats around the bay", "regatta"), ("children parade in paper masks", "masks"),
                ("the whole town dances until sunrise", "dance"), ("farmers show off their largest pumpkins",
                "pumpkin"), ("bells are rung for a full hour", "bells"), ("people light bonfires on the hills",
                "bonfire")],
        passages=["Every {S}, {E} holds a festival at which {v0}.",
                  "The high point of the year in {E} comes each {S}, when {v0}."],
        queries=["What celebration takes place in {E} each year?", "Which annual event is {E} famous for?",
                 "What party do the locals of {E} throw once a year?"]),
    "geography": dict(
        values=[("on a narrow strip of land between two lakes", "lakes"), ("at the foot of a steep volcano",
                "volcano"), ("on the delta where the river splits into channels", "delta"),
                ("high on a windy plateau", "plateau"), ("inside a sheltered bay", "bay"),
                ("on the edge of a vast pine forest", "forest"), ("beside a salt marsh", "marsh"),
                ("among terraced vineyards", "vineyards")],
        passages=["{E} lies {v0}, about {N} kilometres from the nearest city.",
                  "You will find {E} {v0}; the road to it is {N} kilometres long."],
        queries=["Where is {E} situated?", "Describe the location of {E}.", "What kind of landscape surrounds {E}?"]),
    "history": dict(
        values=[("monks fleeing a war", "monks"), ("traders from the south", "traders"),
                ("a group of shipwrecked sailors", "sailors"), ("shepherds who followed their flocks", "shepherds"),
                ("miners searching for silver", "miners"), ("a runaway prince and his followers", "prince")],
        passages=["{E} was founded in {Y} by {v0}.", "The first houses of {E} were built in {Y} by {v0}."],
        queries=["When was {E} established and by whom?", "Who started {E}, and in what year?",
                 "What are the origins of {E}?"]),
    "climate": dict(
        values=[("summers are scorching and winters mild", "hot"), ("it snows for half of the year", "snow"),
                ("fog rolls in almost every morning", "fog"), ("storms arrive from the sea each autumn", "storms"),
                ("the air stays damp and warm all year", "humid"), ("nights are freezing even in July", "cold")],
        passages=["In {E}, {v0}. Locals joke that they never know what to wear.",
                  "The weather in {E} is unusual: {v0}."],
        queries=["What is the climate like in {E}?", "Should I pack a coat or shorts for {E}?",
                 "How does the weather in {E} behave through the year?"]),
    "landmark": dict(
        values=[("a leaning stone tower", "tower"), ("a bridge made entirely of rope", "rope bridge"),
                ("a lighthouse painted with red stripes", "lighthouse"), ("a clock that runs backwards", "clock"),
                ("a cave full of ancient paintings", "cave"), ("a garden of giant sculptures", "sculptures"),
                ("a windmill older than the town hall", "windmill")],
        passages=["Visitors to {E} come to see {v0}, built centuries ago.",
                  "The best-known sight in {E} is {v0}, and it appears on every postcard."],
        queries=["What famous attraction can tourists visit in {E}?", "What is the main sight to photograph in {E}?",
                 "Which monument is {E} known for?"]),
    "sport": dict(
        values=[("ice hockey", "hockey"), ("rowing", "rowing"), ("chess", "chess"), ("wrestling", "wrestling"),
                ("cycling", "cycling"), ("volleyball on the beach", "volleyball"), ("archery", "archery"),
                ("handball", "handball")],
        passages=["The favourite pastime in {E} is {v0}; its club has won the regional cup {K} times.",
                  "Young people in {E} grow up playing {v0}, and matches fill the square every weekend."],
        queries=["Which game is most popular in {E}?", "What do young people in {E} do for fun and competition?",
                 "What is the top sport in {E}?"]),
}
SEASONS = ["spring", "summer", "autumn", "winter"]


def entity_names(r: random.Random, n: int) -> list[str]:
    names = set()
    while len(names) < n:
        w = "".join(r.sample(SYL, r.choice([2, 3]))).capitalize()
        if 4 <= len(w) <= 11:
            names.add(w)
    return sorted(names)


def make_retrieval(r: random.Random, n_entities: int = 260, n_queries: int = 320) -> dict:
    passages, facts = [], []
    for ei, name in enumerate(entity_names(r, n_entities)):
        kind = r.choice(KINDS)
        ent = f"{name}" if r.random() < 0.5 else f"the {kind} of {name}"
        for aspect, spec in ASPECTS.items():
            v0, _ = r.choice(spec["values"])
            text = r.choice(spec["passages"]).format(E=ent, v0=v0, S=r.choice(SEASONS), N=r.randrange(5, 300),
                                                     Y=r.randrange(900, 1900), K=r.randrange(2, 30))
            text = text[0].upper() + text[1:]
            pid = f"p{len(passages):05d}"
            passages.append({"id": pid, "text": text, "entity": name, "aspect": aspect})
            facts.append((pid, name, aspect))
    r.shuffle(passages)
    chosen = r.sample(facts, n_queries)
    queries, qrels = [], []
    for qi, (pid, name, aspect) in enumerate(chosen):
        q = r.choice(ASPECTS[aspect]["queries"]).format(E=name)
        qid = f"q{qi:04d}"
        queries.append({"id": qid, "text": q, "split": "test" if qi % 5 == 0 else "train"})
        qrels.append({"query_id": qid, "passage_id": pid, "score": 1})
    return {"passages": passages, "queries": queries, "qrels": qrels}


# --------------------------------------------------------------------------- word in context
# word -> {sense: [context clauses]}. The clauses are the only sense evidence: the frames around them are shared
# by both senses of a word. The last 2 clauses of each sense are used only in the test split (unseen contexts).
WIC = {
    "bank": {
        "finance": ["where she opened a savings account", "that approved the loan for the new shop",
                    "with a long queue at the cash machine", "that charged a fee for every transfer",
                    "downtown whose vault was robbed last year", "that raised its interest rates",
                    "where the tellers count the coins twice", "that sent him a letter about his overdraft"],
        "river": ["covered in reeds and soft mud", "where the fishermen sat all morning with their rods",
                  "that flooded after the storm", "where the ducks build their nests",
                  "opposite the old mill, where the current is slow", "eroded by the fast water",
                  "where the children skipped stones across the stream", "lined with willows near the ford"]},
    "bat": {
        "animal": ["hanging upside down in the cave", "that flew out at dusk to hunt moths",
                   "whose wings looked like thin leather", "that found insects by echolocation",
                   "sleeping in the barn rafters all day", "that squeaked in the dark attic",
                   "rescued by the wildlife centre with a torn wing", "that eats fruit in the tropical forest"],
        "sport": ["that the batter swung at the fast ball", "made of willow for the cricket match",
                  "with tape wrapped around its handle for grip", "that cracked when it hit the baseball",
                  "leaning against the dugout fence", "that the umpire checked before the inning",
                  "he gripped before stepping up to the plate", "signed by the whole softball team"]},
    "spring": {
        "season": ["when the cherry trees blossom", "after the long and freezing winter",
                   "when the lambs are born on the farm", "when the days get longer and warmer",
                   "with its April showers and first tulips", "when the birds return from the south",
                   "that follows the snowmelt in March", "when gardeners sow the first seeds"],
        "coil": ["inside the old mattress that squeaked", "that pushes the pen tip back in",
                 "of the watch, wound too tight", "that made the toy jump when released",
                 "in the car's suspension that had rusted", "made of steel wire that stretched and snapped back",
                 "holding the trapdoor shut with its tension", "that the mechanic replaced in the door hinge"]},
    "bark": {
        "dog": ["of the neighbour's terrier at midnight", "that warned them a stranger was at the gate",
                "of the puppy when the postman came", "that echoed from the kennel",
                "so loud that the cat ran up the tree", "of the guard dog behind the fence",
                "that the hound gave when it smelled the fox", "which woke the baby from its nap"],
        "tree": ["peeling off the old birch in thin strips", "that the beetles had chewed through",
                 "rough and grey on the oak trunk", "used to make cork for wine bottles",
                 "that the deer nibbled in the hungry winter", "covered with green moss on the north side",
                 "of the cinnamon tree, dried in the sun", "that protects the trunk from fire and insects"]},
    "crane": {
        "bird": ["wading in the marsh on its long thin legs", "that migrated south with its flock",
                 "dancing in the wetland to attract a mate", "that caught a frog with its beak",
                 "nesting among the reeds by the lake", "with grey feathers and a red patch on its head",
                 "calling loudly as it flew over the fields", "that the birdwatchers photographed at dawn"],
        "machine": ["that lifted steel beams onto the new tower", "operated from a cab high above the building site",
                    "unloading containers from the cargo ship", "whose hook swung over the workers' heads",
                    "that was dismantled after the bridge was finished", "with a counterweight of concrete blocks",
                    "that tipped over when the load was too heavy", "parked at the docks beside the warehouse"]},
    "pitch": {
        "sound": ["of her voice, which rose when she was nervous", "that the choir had to hold for four bars",
                  "of the violin, slightly too high", "that the tuning fork gives as a reference note",
                  "the singer could not reach in the final chorus", "of the whistle, so high that only dogs hear it",
                  "of the old piano, which had drifted flat", "that the composer marked in the score"],
        "field": ["muddy after a week of rain, so the match was postponed", "where the team trained on Tuesday evenings",
                  "with freshly painted white lines for the final", "that the groundsman mowed before kickoff",
                  "where the fans ran on after the last goal", "flooded so badly that the rugby game was cancelled",
                  "behind the school where the football club plays", "covered with a tarpaulin during the cricket rain delay"]},
    "seal": {
        "animal": ["basking on the rocks by the harbour", "that caught a fish and dived under the waves",
                   "pup with white fur on the ice floe", "that barked at the tourists from the beach",
                   "swimming behind the fishing boat for scraps", "that the marine biologists tagged",
                   "resting on the sandbank at low tide", "with whiskers dripping with sea water"],
        "closure": ["on the envelope, pressed in red wax", "of the jar, which had to be broken to open it",
                    "around the window that stopped the draught", "stamped on the king's official letter",
                    "on the medicine bottle that showed it was unopened", "of the fridge door, cracked and leaking cold air",
                    "that the notary pressed onto the contract", "on the pipe joint, replaced by the plumber"]},
    "bass": {
        "fish": ["caught in the lake with a silver lure", "grilled with lemon and herbs for dinner",
                 "that the angler released back into the river", "hiding under the lily pads",
                 "weighing three kilos, a record for the pond", "that bit the worm on the hook at dawn",
                 "swimming in the cool water near the dam", "sold fresh at the fish market"],
        "music": ["that shook the floor at the concert", "played by the man with four thick strings",
                  "of the song, turned up too loud in the car", "line that the drummer locked in with",
                  "player who tuned down before the show", "part sung by the deepest voice in the choir",
                  "amplifier that hummed on the stage", "notes that the producer boosted in the mix"]},
    "match": {
        "game": ["that ended in a draw after extra time", "between the two rival schools on Saturday",
                 "that the referee stopped because of the storm", "won by the visitors with a late goal",
                 "which drew a crowd of fifty thousand fans", "in the tennis tournament that lasted five sets",
                 "replayed on television all night", "the players had trained for all season"],
        "fire": ["struck to light the candles on the cake", "that went out in the wind before the stove lit",
                 "from the small box in the kitchen drawer", "held to the campfire kindling",
                 "that burned her fingers as it flared", "scraped along the side of the box",
                 "used to light the old gas lamp", "that was too damp to catch a flame"]},
    "club": {
        "group": ["that meets in the library every Thursday", "whose members pay a yearly fee",
                  "that elected a new president at its meeting", "for people who love chess and puzzles",
                  "that organised a charity run for its members", "with a waiting list to join",
                  "where the book lovers discuss a novel each month", "that welcomed three new members"],
        "stick": ["that the golfer swung at the ball on the tee", "a heavy wooden weapon carved by the caveman",
                  "with a metal head for long shots on the fairway", "that the caddie cleaned after each hole",
                  "he used to putt the ball into the hole", "the ancient warrior raised over his head",
                  "bent after it hit the tree on the golf course", "that the guard carried on patrol"]},
    "mouse": {
        "animal": ["nibbling the cheese in the pantry", "that the cat chased under the sofa",
                   "with a long tail that squeaked in the barn", "caught in the trap behind the fridge",
                   "that made a nest of shredded paper", "hiding from the owl in the field",
                   "that gnawed a hole in the grain sack", "whose tiny footprints were in the flour"],
        "computer": ["that stopped moving the cursor on the screen", "plugged into the laptop's USB port",
                     "with a scroll wheel and two buttons", "whose battery died during the presentation",
                     "that clicked twice when she opened the file", "on the mat next to the keyboard",
                     "that was replaced with a wireless one at the office", "he used to drag the icon to the folder"]},
    "key": {
        "lock": ["that opened the front door of the house", "he lost, so he had to call a locksmith",
                 "hanging on the ring with the car fob", "that turned stiffly in the rusty padlock",
                 "hidden under the doormat for the guests", "cut at the hardware shop as a spare",
                 "to the safe, kept in a locked drawer", "that broke off inside the lock"],
        "music": ["of the song, changed to suit the singer's range", "of C major, with no sharps or flats",
                  "signature written at the start of the staff", "that the band modulated into for the last chorus",
                  "the pianist transposed the piece into", "in which the symphony was written, a minor one",
                  "that made the tune sound sad and dark", "shift that surprised the audience in the bridge"]},
    "ring": {
        "jewel": ["with a small diamond that he gave her when he proposed", "of gold that her grandmother wore",
                  "that slipped off her finger into the sink", "engraved with their wedding date",
                  "that the jeweller resized for him", "set with a green emerald",
                  "she kept in a velvet box on the dresser", "made of silver, with a tiny pearl"],
        "sound": ["of the telephone that woke the whole house", "of the doorbell announcing the guests",
                  "of the church bells at noon", "of the alarm clock at six",
                  "that the bicycle bell made at the corner", "of the school bell ending the lesson",
                  "of his mobile during the quiet film", "that echoed from the bell tower across the valley"]},
    "plant": {
        "factory": ["that produced car engines for export", "where the workers went on strike over wages",
                    "which closed and left hundreds without jobs", "that burns coal to make electricity",
                    "with tall chimneys on the edge of town", "whose assembly line runs day and night",
                    "inspected for safety after the chemical leak", "that bottles water for the supermarkets"],
        "flora": ["on the windowsill that needed watering", "whose leaves turned yellow in the shade",
                  "that flowered after the rain", "growing in a clay pot on the balcony",
                  "she repotted because its roots were crowded", "that the gardener pruned in autumn",
                  "with purple blossoms that attract bees", "that the caterpillars ate to the stem"]},
    "fair": {
        "event": ["with a Ferris wheel and candy floss", "held on the village green every August",
                  "where the farmers showed their prize cattle", "with stalls selling toys and cakes",
                  "that set up its rides in the car park", "where she won a goldfish at the shooting gallery",
                  "that came to town with a carousel", "which had a hall of mirrors and a ghost train"],
        "just": ["decision that treated every player equally", "deal in which nobody was cheated",
                 "referee who punished both teams for the same fouls", "share that split the prize evenly",
                 "trial where the judge listened to both sides", "rule that gave everyone the same chance",
                 "price that did not take advantage of the buyers", "system that paid the workers what they earned"]},
    "light": {
        "lamp": ["in the hallway that flickered all night", "of the lighthouse sweeping across the sea",
                 "from the street lamp shining into the room", "that she switched off before bed",
                 "of the candle that cast long shadows", "above the stage, focused on the singer",
                 "in the fridge that came on when the door opened", "from the torch that helped them find the path"],
        "weight": ["suitcase that was easy to lift", "jacket made for summer hiking",
                   "box that even the child could carry", "bicycle made of carbon fibre that weighed almost nothing",
                   "breakfast of fruit and tea", "tent that fits in a small backpack",
                   "load that the donkey carried up the hill without effort", "feather that floated in the breeze"]},
}
WIC_FRAMES = ["{N} talked about the {w} {c}.", "We all noticed the {w} {c}.", "Nobody expected the {w} {c}.",
              "In the story, the {w} {c} was important.", "{N} remembered the {w} {c}.",
              "The {w} {c} was in the photo {N} took.", "Later that day, {N} mentioned the {w} {c}.",
              "It was the {w} {c} that {N} wanted to show us.", "Have you seen the {w} {c}?",
              "Everyone in the class wrote about the {w} {c}."]
WIC_ADJ_FRAMES = ["{N} talked about the {w} {c}.", "It was a {w} {c}.", "Nobody expected such a {w} {c}.",
                  "{N} described the {w} {c}.", "We all agreed it was a {w} {c}.", "Have you ever seen a {w} {c}?",
                  "Later that day, {N} mentioned the {w} {c}.", "The story was about a {w} {c}."]
ADJECTIVE_SENSES = {("fair", "just"), ("light", "weight")}  # the clause starts with the noun the word modifies;
# words with an adjective sense use the article-neutral WIC_ADJ_FRAMES for both of their senses


def make_wic(r: random.Random, per_clause: int = 3) -> tuple[list[dict], list[dict]]:
    train, test, seen = [], [], set()
    for word, senses in WIC.items():
        for sense, clauses in senses.items():
            for ci, clause in enumerate(clauses):
                split = test if ci >= len(clauses) - 2 else train
                # both senses of a word share one frame list, so the frame never tells the sense
                frames = WIC_ADJ_FRAMES if any(w == word for w, _ in ADJECTIVE_SENSES) else WIC_FRAMES
                for fr in r.sample(frames, per_clause):
                    sent = fr.format(N=r.choice(NAMES), w=word, c=clause)
                    sent = sent[0].upper() + sent[1:]
                    if sent in seen:
                        continue
                    seen.add(sent)
                    # the target is the first whole-word occurrence of `word` that the frame put in
                    start = sent.find(f" {word} ") + 1 if not sent.lower().startswith(word + " ") else 0
                    end = start + len(word)
                    assert sent[start:end].lower() == word, (sent, word)
                    split.append({"sentence": sent, "word": word, "start": start, "end": end,
                                  "label": f"{word}/{sense}", "sense": sense})
    r.shuffle(train)
    r.shuffle(test)
    return train, test


# --------------------------------------------------------------------------- write
def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def split_rows(rows: list[dict], test_share: float = 0.2) -> tuple[list[dict], list[dict]]:
    n_test = int(len(rows) * test_share)
    return rows[n_test:], rows[:n_test]


def main() -> int:
    r = random.Random(SEED)
    sim = make_similarity(r)
    sim_train, sim_test = split_rows(sim)
    write_jsonl(HERE / "similarity" / "train.jsonl", sim_train)
    write_jsonl(HERE / "similarity" / "test.jsonl", sim_test)

    ret = make_retrieval(r)
    for name in ("passages", "queries", "qrels"):
        write_jsonl(HERE / "retrieval" / f"{name}.jsonl", ret[name])

    used = {row["sentence1"] for row in sim} | {row["sentence2"] for row in sim}
    top = make_topics(r, exclude=used)
    top_train, top_test = split_rows(top)
    write_jsonl(HERE / "topics" / "train.jsonl", top_train)
    write_jsonl(HERE / "topics" / "test.jsonl", top_test)

    wic_train, wic_test = make_wic(r)
    write_jsonl(HERE / "wic" / "train.jsonl", wic_train)
    write_jsonl(HERE / "wic" / "test.jsonl", wic_test)
    print(f"similarity {len(sim_train)}/{len(sim_test)} pairs; retrieval {len(ret['passages'])} passages, "
          f"{len(ret['queries'])} queries; topics {len(top_train)}/{len(top_test)}; wic {len(wic_train)}/{len(wic_test)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
