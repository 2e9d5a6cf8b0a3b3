"""Generate the course's sentence data sets (seeded, deterministic; under a second on one CPU core).

    python datasets/sentences/make_sentences.py

Writes, each folder with its card README.md (licence MIT, course-generated; no external text):
    similarity/{train,test}.jsonl   2,401 / 1,600 sentence pairs, similarity 0-5 in steps of 0.1 (stands in for STS-B)
    retrieval/passages.jsonl, queries.jsonl, qrels.jsonl   5,120 passages, 1,280 queries   (stands in for BEIR)
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
SIM_PAIRS = 4000        # similarity pairs in all (train + test)
SIM_TEST_SHARE = 0.4    # share of anchor groups in the test split
RET_ENTITIES = 640      # made-up places, 8 passages each
RET_QUERIES = 1280      # one relevant passage each; every 5th is a test query

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


def make_similarity_v1(r: random.Random, n: int = 640) -> list[dict]:
    """The first similarity set (640 pairs, 6 grades). No longer written: main() still runs it, because the
    topics and WiC sets are drawn from the same random stream after it and must not change."""
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


# --------------------------------------------------------------------------- similarity (graded by meaning edits)
# A bigger lexicon than the topic frames above: the 8 topics get more entries per slot and 8 new topics join.
# Written as "synonym|synonym; next entry|...". The frames above stay as they are (the topics set is made from
# them), the similarity set draws from both.
def _lex(text: str) -> list[list[str]]:
    return [[w.strip() for w in entry.split("|")] for entry in text.replace("\n", " ").split(";") if entry.strip()]


MORE = {
    "sports": dict(
        subj=_lex("""the captain|the team captain; the referee|the match official; the cyclist|the bike racer;
            the boxer|the fighter; the swimmer|the Olympic swimmer; the veteran defender|the experienced defender"""),
        act=_lex("""qualified for|earned a place in; withdrew from|pulled out of; dominated|controlled;
            was injured in|got hurt in; refereed|officiated at; watched|followed"""),
        obj=_lex("""the relay race|the relay; the boxing bout|the fight; the world cup qualifier|the qualifying match;
            the cycling stage|the mountain stage; the penalty shootout|the shootout; the friendly match|the exhibition game""")),
    "food": dict(
        subj=_lex("""the waiter|the server; the butcher|the meat seller; the farmer's wife|the farmer's spouse;
            the caterer|the catering firm; the vegetarian guest|the guest who eats no meat; the apprentice cook|the trainee chef"""),
        act=_lex("""baked|oven-baked; fried|pan-fried; seasoned|spiced; sliced|cut up; froze|put in the freezer;
            wasted|threw away"""),
        obj=_lex("""the roast chicken|the roasted chicken; a bowl of noodles|a dish of noodles; the apple pie|the pie made of apples;
            a mushroom risotto|a risotto with mushrooms; the cheese platter|the cheese board; a mango smoothie|a blended mango drink""")),
    "weather": dict(
        subj=_lex("""the hailstorm|the storm of hail; the frost|the hard frost; the drought|the long dry spell;
            the thunderstorm|the electrical storm; the tornado|the twister; the blizzard|the snowstorm"""),
        act=_lex("""destroyed|wrecked; cut off|isolated; froze|iced over; dried out|parched; threatened|endangered;
            battered|pounded"""),
        obj=_lex("""the power lines|the electricity cables; the harbour wall|the sea wall; the vineyards|the vines;
            the ski resort|the ski station; the orchards|the fruit trees; the motorway|the highway""")),
    "technology": dict(
        subj=_lex("""the programmer|the coder; the chip maker|the semiconductor firm; the students|the undergraduates;
            the security team|the security staff; the online shop|the web store; the telecom operator|the phone network"""),
        act=_lex("""designed|built; debugged|fixed the bugs in; shut down|switched off; encrypted|scrambled;
            installed|set up; leaked|exposed"""),
        obj=_lex("""the password system|the login system; a smart watch|a wrist computer; the cloud servers|the remote servers;
            the search engine|the web search tool; a chatbot|a conversational program; the mobile network|the cellular network""")),
    "health": dict(
        subj=_lex("""the surgeon|the operating doctor; the pharmacist|the chemist; the midwife|the birth nurse;
            the elderly woman|the old lady; the therapist|the counsellor; the paramedic|the ambulance worker"""),
        act=_lex("""operated on|performed surgery on; prescribed|ordered; diagnosed|identified; bandaged|dressed;
            prevented|stopped; monitored|kept an eye on"""),
        obj=_lex("""a twisted ankle|a sprained ankle; a skin rash|an itchy rash; the headache|the pain in the head;
            a heart problem|a cardiac condition; the infection|the bacterial infection; a food allergy|an allergy to food""")),
    "travel": dict(
        subj=_lex("""the flight attendant|the cabin crew member; the cruise passengers|the people on the cruise;
            my aunt|my father's sister; the honeymooners|the newly married couple; the hikers|the walkers;
            the taxi driver|the cab driver"""),
        act=_lex("""cancelled|called off; crossed|went across; rented|hired; returned to|came back to;
            recommended|suggested; reached|arrived at"""),
        obj=_lex("""the mountain pass|the pass through the mountains; a rental car|a hired car; the ferry|the boat service;
            the old town|the historic centre; a camping site|a campsite; the border|the frontier""")),
    "music": dict(
        subj=_lex("""the conductor|the maestro; the violinist|the fiddler; the rapper|the hip-hop artist;
            the guitarist|the guitar player; the music teacher|the music tutor; the producer|the record producer"""),
        act=_lex("""released|put out; tuned|adjusted the pitch of; remixed|reworked; conducted|directed;
            improvised|made up on the spot; streamed|broadcast online"""),
        obj=_lex("""a lullaby|a cradle song; the symphony|the orchestral work; a drum solo|a solo on the drums;
            the opera|the operatic work; a love song|a romantic song; the soundtrack|the film score""")),
    "business": dict(
        subj=_lex("""the accountant|the bookkeeper; the supermarket chain|the grocery chain; the trade union|the union;
            the airline|the air carrier; the landlord|the property owner; the central bank|the national bank"""),
        act=_lex("""invested in|put money into; merged with|joined forces with; closed|shut; borrowed|took a loan for;
            exported|shipped abroad; audited|inspected the accounts of"""),
        obj=_lex("""the new factory|the new plant; the shares|the stock; a big contract|a large deal;
            the annual budget|the yearly budget; the debt|the money owed; the online store|the web shop""")),
}
NEW_TOPICS = {
    "education": dict(
        subj=_lex("""the teacher|the schoolteacher; the headmaster|the head teacher; the students|the pupils;
            the professor|the lecturer; the librarian|the library keeper; the exam board|the examination board;
            the tutor|the private teacher; the school|the academy"""),
        act=_lex("""taught|gave lessons on; graded|marked; failed|did not pass; studied|revised; explained|clarified;
            postponed|put off; organised|arranged; discussed|talked about"""),
        obj=_lex("""the maths exam|the mathematics test; a history lesson|a history class; the essay|the written assignment;
            the science project|the science assignment; the reading list|the list of books; a spelling test|a spelling quiz;
            the school trip|the class excursion; the final grades|the end-of-year marks"""),
        place=_lex("""in the classroom|in class; at the university|on campus; in the library|among the bookshelves;
            at the school hall|in the assembly hall"""),
        time=_lex("""before the holidays|ahead of the break; on the first day|on the opening day; this term|during this semester""")),
    "science": dict(
        subj=_lex("""the biologist|the life scientist; the astronomers|the stargazers; the chemist|the lab chemist;
            the physicists|the physics team; the geologist|the rock scientist; the research team|the study group;
            the young scientist|the junior researcher; the space agency|the space administration"""),
        act=_lex("""discovered|found; measured|quantified; observed|watched; published|wrote up; analysed|examined;
            confirmed|verified; predicted|forecast; photographed|imaged"""),
        obj=_lex("""a new species|an unknown species; the distant galaxy|the faraway galaxy; the fossil|the ancient bones;
            the chemical reaction|the reaction; the comet|the icy comet; the volcano|the active volcano;
            the gene|the piece of DNA; the results|the findings"""),
        place=_lex("""in the rainforest|in the jungle; at the observatory|at the telescope; under the microscope|with a microscope;
            on the ocean floor|at the bottom of the sea"""),
        time=_lex("""after ten years of work|after a decade of research; this spring|in spring this year;
            in a new study|in a recent paper""")),
    "politics": dict(
        subj=_lex("""the president|the head of state; the prime minister|the premier; the mayor|the city mayor;
            the senators|the members of the senate; the opposition|the opposition party; the voters|the electorate;
            the minister|the government minister; the protesters|the demonstrators"""),
        act=_lex("""approved|passed; rejected|voted down; criticised|attacked; proposed|put forward; signed|put their name to;
            debated|argued over; supported|backed; delayed|put on hold"""),
        obj=_lex("""the new tax|the tax increase; the peace treaty|the peace agreement; the budget plan|the spending plan;
            the election|the vote; the housing law|the law on housing; the reform|the overhaul;
            the trade deal|the trade agreement; the curfew|the night-time ban"""),
        place=_lex("""in parliament|in the chamber; at the summit|at the meeting of leaders; in the capital|in the seat of government;
            outside the town hall|in front of the city hall"""),
        time=_lex("""on election day|on polling day; late on Monday|on Monday night; after a long debate|after hours of argument""")),
    "nature": dict(
        subj=_lex("""the fox|the red fox; the eagle|the bird of prey; the bees|the honeybees; the wolves|the wolf pack;
            the whale|the humpback whale; the deer|the stag; the ants|the ant colony; the park rangers|the wardens"""),
        act=_lex("""hunted|preyed on; protected|guarded; built|constructed; fed on|ate; migrated to|moved to;
            escaped from|fled; counted|recorded; destroyed|ruined"""),
        obj=_lex("""the rabbits|the bunnies; a nest|a nesting site; the wild flowers|the wildflowers; the salmon|the river fish;
            the old oak|the ancient oak tree; the meadow|the grassland; the beehive|the hive; the seals|the seal colony"""),
        place=_lex("""in the forest|in the woods; near the river|by the stream; on the cliffs|along the cliff edge;
            in the national park|in the nature reserve"""),
        time=_lex("""at dusk|at nightfall; every autumn|each fall; early in the morning|at first light""")),
    "home": dict(
        subj=_lex("""my father|my dad; my sister|my older sister; the neighbours|the people next door; the children|the kids;
            the plumber|the pipe fitter; the cleaner|the housekeeper; my grandfather|my grandpa; the new tenants|the new renters"""),
        act=_lex("""painted|repainted; cleaned|tidied; repaired|mended; moved|carried; decorated|did up; sold|got rid of;
            washed|scrubbed; assembled|put together"""),
        obj=_lex("""the kitchen walls|the walls of the kitchen; the old sofa|the worn couch; the leaking tap|the dripping faucet;
            the garden fence|the fence around the garden; the bookshelf|the book case; the bedroom|the sleeping room;
            the windows|the panes; the washing machine|the washer"""),
        place=_lex("""in the living room|in the lounge; in the garden|in the back yard; upstairs|on the upper floor;
            in the garage|in the car shed"""),
        time=_lex("""on Saturday morning|early on Saturday; before the guests arrived|before the visitors came; all afternoon|the whole afternoon""")),
    "transport": dict(
        subj=_lex("""the bus driver|the coach driver; the train company|the rail operator; the cyclists|the bike riders;
            the commuters|the daily travellers; the truck driver|the lorry driver; the port authority|the harbour authority;
            the city|the municipality; the ferry captain|the skipper of the ferry"""),
        act=_lex("""blocked|obstructed; delayed|slowed down; repaired|fixed; crashed into|collided with; opened|inaugurated;
            diverted|rerouted; overtook|passed; inspected|checked"""),
        obj=_lex("""the tunnel|the underpass; the express train|the fast train; the cycle lane|the bike lane;
            the roundabout|the traffic circle; the night bus|the late bus; the container ship|the cargo vessel;
            the parking garage|the car park; the level crossing|the railway crossing"""),
        place=_lex("""on the motorway|on the highway; at the station|at the railway station; in the city centre|downtown;
            at the border crossing|at the frontier post"""),
        time=_lex("""during rush hour|at peak time; on Friday evening|late on Friday; for three hours|for hours""")),
    "art": dict(
        subj=_lex("""the painter|the artist; the sculptor|the stone carver; the photographer|the camera artist;
            the museum director|the head of the museum; the art students|the students of fine art; the collector|the art buyer;
            the curator|the exhibition organiser; the poet|the writer of verse"""),
        act=_lex("""painted|depicted; restored|repaired; exhibited|showed; sold|auctioned; stole|took; damaged|harmed;
            donated|gave away; sketched|drew"""),
        obj=_lex("""a portrait|a painting of a face; the marble statue|the stone figure; a landscape|a painting of the countryside;
            the old manuscript|the ancient document; a mural|a wall painting; the photographs|the photos;
            a poem|a piece of verse; the tapestry|the woven hanging"""),
        place=_lex("""at the gallery|in the art gallery; in the studio|in the workshop; at the auction|at the sale;
            in the museum|inside the museum"""),
        time=_lex("""last autumn|the previous fall; over the summer|during summer; after a decade|ten years later""")),
    "law": dict(
        subj=_lex("""the judge|the magistrate; the police|the officers; the lawyer|the attorney; the jury|the jurors;
            the thief|the burglar; the detective|the investigator; the witness|the eyewitness; the court|the tribunal"""),
        act=_lex("""arrested|detained; questioned|interviewed; sentenced|punished; accused|charged; released|freed;
            investigated|looked into; fined|penalised; defended|represented"""),
        obj=_lex("""the suspect|the accused man; the driver|the motorist; the robbery|the theft; the company director|the boss of the firm;
            the fraud case|the case of fraud; the shoplifter|the person stealing from shops; the gang|the criminal group;
            the young offender|the teenage criminal"""),
        place=_lex("""in court|in the courtroom; at the police station|at the station; in the city|in town;
            near the bank|close to the bank"""),
        time=_lex("""on Thursday|this Thursday; after a long trial|after a lengthy trial; earlier this month|at the start of the month""")),
}
# generic extras: a manner phrase any event can take, and more places and times
MANNERS = _lex("""quickly|rapidly; carefully|with great care; again|once more; reluctantly|unwillingly;
    proudly|with pride; secretly|in secret; suddenly|all of a sudden; slowly|gradually; happily|gladly;
    for the first time|for the very first time; without warning|unexpectedly; together|jointly""")
CITIES = _lex("""in Paris|in the French capital; in Tokyo|in the Japanese capital; in Madrid|in the Spanish capital;
    in Cairo|in the Egyptian capital; in Berlin|in the German capital; in Lisbon|in the Portuguese capital;
    in Nairobi|in the Kenyan capital; in Ottawa|in the Canadian capital; in Rome|in the Italian capital;
    in Oslo|in the Norwegian capital; in Lima|in the Peruvian capital; in Hanoi|in the Vietnamese capital""")
TIMES = _lex("""in 2019|in the year 2019; two days ago|the day before yesterday; at noon|at midday;
    in the evening|in the late evening; on New Year's Eve|on the last night of the year; in March|this March;
    at midnight|at twelve at night; on a rainy afternoon|one wet afternoon""")
SLOTS = ("subj", "act", "obj", "manner", "place", "time")
# what each kind of change to the second sentence costs, in points of similarity (5 = same meaning)
EDIT_COST = {"subj": 1.1, "act": 1.4, "obj": 1.2, "manner": 0.4, "place": 0.5, "time": 0.4}
DROP_COST = {"manner": 0.3, "place": 0.3, "time": 0.2}


def sim_lexicon() -> dict:
    """Per topic and slot, the list of entries (each a list of synonyms) the similarity set draws from."""
    lex = {}
    for topic in list(TOPICS) + list(NEW_TOPICS):
        base = TOPICS.get(topic) or NEW_TOPICS[topic]
        more = MORE.get(topic, {})
        lex[topic] = {k: list(base[k]) + list(more.get(k, [])) for k in ("subj", "act", "obj", "place", "time")}
        lex[topic]["place"] += CITIES
        lex[topic]["time"] += TIMES
        lex[topic]["manner"] = list(MANNERS)
    return lex


def sim_realise(r: random.Random, lex: dict, f: dict, other_words: float) -> str:
    """Sentence for frame `f` (slot -> entry index or None); each slot takes a non-first synonym with
    probability `other_words` (a paraphrase), else the first one. Four word orders."""
    t = lex[f["topic"]]
    w = {}
    for k in SLOTS:
        if f[k] is None:
            w[k] = ""
            continue
        options = t[k][f[k]]
        w[k] = r.choice(options[1:]) if len(options) > 1 and r.random() < other_words else options[0]
    s, a, o, m, p, tm = (w[k] for k in SLOTS)
    before_verb = m == "" or (" " not in m and m.endswith("ly"))  # "the chef quickly cooked ..."
    patterns = [f"{s} {a} {o} {m} {p} {tm}",
                f"{tm}, {s} {m} {a} {o} {p}" if before_verb else f"{tm}, {s} {a} {o} {m} {p}",
                f"{p}, {s} {a} {o} {m} {tm}", f"{s} {a} {o} {tm} {p} {m}"]
    sent = " ".join(r.choice(patterns).split()).replace(" ,", ",").strip(", ")
    return sent[0].upper() + sent[1:] + "."


def make_similarity(r: random.Random, n: int = 4000, exclude: set[str] = frozenset(),
                    pairs_per_anchor: int = 2) -> list[list[dict]]:
    """Pairs graded by how much meaning the second sentence keeps (see the card): score = 5 minus the cost of
    each slot changed or dropped, or 0-0.4 for a sentence from another topic. Each anchor sentence is paired
    with `pairs_per_anchor` different second sentences; a sentence occurs in one anchor's group only, and the
    groups are returned separately so that a split by group puts no sentence in two splits."""
    lex = sim_lexicon()
    topics = list(lex)
    groups, n_rows, used = [], 0, set(exclude)
    while n_rows < n:
        topic = r.choice(topics)
        t = lex[topic]
        f = {k: r.randrange(len(t[k])) for k in SLOTS} | {"topic": topic}
        for k in ("manner", "place", "time"):
            if r.random() < {"manner": 0.6, "place": 0.25, "time": 0.3}[k]:
                f[k] = None
        s1 = sim_realise(r, lex, f, other_words=0.3)
        if s1 in used:
            continue
        used.add(s1)
        rows = []
        for _ in range(pairs_per_anchor):
            if r.random() < 0.12:  # another topic: shares nothing, or a generic place/time
                other = r.choice([x for x in topics if x != topic])
                g = {k: r.randrange(len(lex[other][k])) for k in SLOTS} | {"topic": other}
                g["manner"] = None if r.random() < 0.6 else g["manner"]
                score = 0.0
                for k, pool in (("place", CITIES), ("time", TIMES)):
                    if f[k] is not None and r.random() < 0.3 and t[k][f[k]] in pool:
                        g[k] = lex[other][k].index(t[k][f[k]])
                        score += 0.2 if k == "time" else 0.3
                s2 = sim_realise(r, lex, g, other_words=0.5)
            else:
                intensity = 0.1 + 0.9 * r.random()  # how much of the meaning changes
                g, cost = dict(f), 0.0
                for k in SLOTS:
                    u = r.random()
                    if u < intensity * (0.8 if k in EDIT_COST and k in ("subj", "act", "obj") else 0.5):
                        if f[k] is None:  # add a detail the first sentence did not have
                            g[k] = r.randrange(len(t[k]))
                            cost += DROP_COST[k]
                        else:
                            g[k] = (f[k] + r.randrange(1, len(t[k]))) % len(t[k])
                            cost += EDIT_COST[k]
                    elif k in DROP_COST and f[k] is not None and u > 1 - 0.25 * intensity:
                        g[k] = None
                        cost += DROP_COST[k]
                score = max(0.0, 5.0 - cost)
                s2 = sim_realise(r, lex, g, other_words=0.7)
            if s2 in used:
                continue
            used.add(s2)
            a, b = (s1, s2) if r.random() < 0.5 else (s2, s1)
            rows.append({"sentence1": a, "sentence2": b, "score": round(score, 1), "topic": topic})
        if rows:
            groups.append(rows)
            n_rows += len(rows)
    return groups


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
    # One random stream for the topics and WiC sets, unchanged since they were first written (notebooks 08, 09
    # and 12 use them): the first similarity set and the first retrieval set are still drawn from it, only to
    # keep the stream where it was, and are not written any more.
    r = random.Random(SEED)
    sim_v1 = make_similarity_v1(r)
    make_retrieval(r)
    used = {row["sentence1"] for row in sim_v1} | {row["sentence2"] for row in sim_v1}
    top = make_topics(r, exclude=used)
    top_train, top_test = split_rows(top)
    write_jsonl(HERE / "topics" / "train.jsonl", top_train)
    write_jsonl(HERE / "topics" / "test.jsonl", top_test)
    wic_train, wic_test = make_wic(r)
    write_jsonl(HERE / "wic" / "train.jsonl", wic_train)
    write_jsonl(HERE / "wic" / "test.jsonl", wic_test)

    # The similarity and retrieval sets, each from its own stream. No similarity sentence is a topics sentence.
    groups = make_similarity(random.Random(SEED * 1000 + 1), n=SIM_PAIRS, exclude={row["text"] for row in top})
    n_test_groups = round(len(groups) * SIM_TEST_SHARE)
    sim_test = [row for g in groups[:n_test_groups] for row in g]
    sim_train = [row for g in groups[n_test_groups:] for row in g]
    rs = random.Random(SEED * 1000 + 2)
    rs.shuffle(sim_train)
    rs.shuffle(sim_test)
    write_jsonl(HERE / "similarity" / "train.jsonl", sim_train)
    write_jsonl(HERE / "similarity" / "test.jsonl", sim_test)

    ret = make_retrieval(random.Random(SEED * 1000 + 3), n_entities=RET_ENTITIES, n_queries=RET_QUERIES)
    for name in ("passages", "queries", "qrels"):
        write_jsonl(HERE / "retrieval" / f"{name}.jsonl", ret[name])
    print(f"similarity {len(sim_train)}/{len(sim_test)} pairs; retrieval {len(ret['passages'])} passages, "
          f"{len(ret['queries'])} queries; topics {len(top_train)}/{len(top_test)}; wic {len(wic_train)}/{len(wic_test)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
