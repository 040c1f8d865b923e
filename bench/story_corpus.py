"""Labelled story sets: written ones read from YAML, procedural ones generated, both written as article files.

An event is one real-world happening; its articles are what several providers wrote about it, each in
its own words. Two articles belong in one story exactly when they share an event.

The procedural generator builds each event from actor x action x object x place x number x date, and
gives each article its own wording (actor alias, active or passive, quote-led, question, digits or number
words, place phrasing, object synonyms, its own date 0-48 h after the event). It also makes hard
negatives on purpose: the same actor and action elsewhere the same day; the same actor and place weeks
later; the same action by another actor elsewhere. The vocabularies are large (hundreds of actors and
places, dozens of actions with several objects each, in many fields), so chance overlaps between
unrelated events are as common as in a real feed, and nothing can be tuned to one small corpus.

Imports nothing from Django: the benchmark and the tests use it without a database.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Article:
    provider_name: str
    provider_domain: str
    published: datetime
    title: str
    excerpt: str
    body: str = ""
    topics: tuple[str, ...] = ()


@dataclass(slots=True)
class Event:
    id: str
    articles: list[Article]
    note: str = ""
    # What a procedural event was built from (empty for written sets): lets tests check hard negatives.
    facts: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------
# Written sets


def load_written(path: str | Path) -> list[Event]:
    """Read a labelled set in the layout described for bench/story_sets/ (events -> articles)."""
    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    events, seen = [], set()
    for entry in data.get("events") or []:
        event_id = str(entry["id"])
        if event_id in seen:
            raise ValueError(f"{path}: event id {event_id!r} is used twice")
        seen.add(event_id)
        articles = []
        for item in entry.get("articles") or []:
            provider = item.get("provider") or {}
            articles.append(
                Article(
                    provider_name=str(provider.get("name", "")),
                    provider_domain=str(provider.get("domain", "")).lower(),
                    published=_as_datetime(item["published"]),
                    title=str(item["title"]).strip(),
                    excerpt=str(item.get("excerpt") or "").strip(),
                    body=str(item.get("body") or "").strip(),
                    topics=tuple(str(topic) for topic in item.get("topics") or ()),
                )
            )
        if articles:
            events.append(Event(event_id, articles, str(entry.get("note") or "")))
    return events


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------------------
# Vocabularies. Fixed lists and fixed combinations: the same seed gives the same set on every machine.

CITIES = [
    ("London", "the UK"), ("Manchester", "the UK"), ("Birmingham", "the UK"), ("Leeds", "the UK"), ("Glasgow", "the UK"),
    ("Edinburgh", "the UK"), ("Cardiff", "the UK"), ("Belfast", "the UK"), ("Bristol", "the UK"), ("Liverpool", "the UK"),
    ("Sheffield", "the UK"), ("Newcastle", "the UK"), ("Nottingham", "the UK"), ("Leicester", "the UK"), ("Southampton", "the UK"),
    ("Brighton", "the UK"), ("Plymouth", "the UK"), ("Aberdeen", "the UK"), ("Dundee", "the UK"), ("Swansea", "the UK"),
    ("Norwich", "the UK"), ("York", "the UK"), ("Oxford", "the UK"), ("Cambridge", "the UK"), ("Exeter", "the UK"),
    ("Paris", "France"), ("Lyon", "France"), ("Marseille", "France"), ("Toulouse", "France"), ("Lille", "France"),
    ("Bordeaux", "France"), ("Nantes", "France"), ("Strasbourg", "France"), ("Nice", "France"),
    ("Berlin", "Germany"), ("Munich", "Germany"), ("Hamburg", "Germany"), ("Cologne", "Germany"),
    ("Frankfurt", "Germany"), ("Stuttgart", "Germany"), ("Dresden", "Germany"), ("Leipzig", "Germany"),
    ("Madrid", "Spain"), ("Barcelona", "Spain"), ("Valencia", "Spain"), ("Seville", "Spain"), ("Bilbao", "Spain"),
    ("Rome", "Italy"), ("Milan", "Italy"), ("Naples", "Italy"), ("Turin", "Italy"), ("Florence", "Italy"),
    ("Venice", "Italy"), ("Bologna", "Italy"), ("Lisbon", "Portugal"), ("Porto", "Portugal"),
    ("Amsterdam", "the Netherlands"), ("Rotterdam", "the Netherlands"), ("Utrecht", "the Netherlands"),
    ("Brussels", "Belgium"), ("Antwerp", "Belgium"), ("Ghent", "Belgium"), ("Vienna", "Austria"),
    ("Zurich", "Switzerland"), ("Geneva", "Switzerland"), ("Copenhagen", "Denmark"), ("Stockholm", "Sweden"),
    ("Gothenburg", "Sweden"), ("Oslo", "Norway"), ("Bergen", "Norway"), ("Helsinki", "Finland"),
    ("Dublin", "Ireland"), ("Cork", "Ireland"), ("Warsaw", "Poland"), ("Krakow", "Poland"), ("Gdansk", "Poland"),
    ("Prague", "the Czech Republic"), ("Brno", "the Czech Republic"), ("Budapest", "Hungary"),
    ("Bucharest", "Romania"), ("Sofia", "Bulgaria"), ("Athens", "Greece"), ("Thessaloniki", "Greece"),
    ("Istanbul", "Turkey"), ("Ankara", "Turkey"), ("Kyiv", "Ukraine"), ("Lviv", "Ukraine"), ("Odesa", "Ukraine"),
    ("Vilnius", "Lithuania"), ("Riga", "Latvia"), ("Tallinn", "Estonia"), ("Zagreb", "Croatia"),
    ("Belgrade", "Serbia"), ("Ljubljana", "Slovenia"), ("Bratislava", "Slovakia"),
    ("New York", "the US"), ("Los Angeles", "the US"), ("Chicago", "the US"), ("Houston", "the US"),
    ("Phoenix", "the US"), ("Philadelphia", "the US"), ("San Antonio", "the US"), ("San Diego", "the US"),
    ("Dallas", "the US"), ("Austin", "the US"), ("Seattle", "the US"), ("Denver", "the US"), ("Boston", "the US"),
    ("Miami", "the US"), ("Atlanta", "the US"), ("Detroit", "the US"), ("Portland", "the US"),
    ("Las Vegas", "the US"), ("Baltimore", "the US"), ("Nashville", "the US"), ("New Orleans", "the US"),
    ("San Francisco", "the US"), ("Minneapolis", "the US"), ("Pittsburgh", "the US"), ("Cleveland", "the US"),
    ("Toronto", "Canada"), ("Montreal", "Canada"), ("Vancouver", "Canada"), ("Calgary", "Canada"),
    ("Ottawa", "Canada"), ("Mexico City", "Mexico"), ("Guadalajara", "Mexico"), ("Monterrey", "Mexico"),
    ("Sao Paulo", "Brazil"), ("Rio de Janeiro", "Brazil"), ("Brasilia", "Brazil"), ("Buenos Aires", "Argentina"),
    ("Cordoba", "Argentina"), ("Santiago", "Chile"), ("Lima", "Peru"), ("Bogota", "Colombia"),
    ("Medellin", "Colombia"), ("Caracas", "Venezuela"), ("Quito", "Ecuador"), ("Montevideo", "Uruguay"),
    ("Lagos", "Nigeria"), ("Abuja", "Nigeria"), ("Nairobi", "Kenya"), ("Mombasa", "Kenya"),
    ("Johannesburg", "South Africa"), ("Cape Town", "South Africa"), ("Durban", "South Africa"),
    ("Cairo", "Egypt"), ("Alexandria", "Egypt"), ("Casablanca", "Morocco"), ("Rabat", "Morocco"),
    ("Accra", "Ghana"), ("Addis Ababa", "Ethiopia"), ("Dakar", "Senegal"), ("Kampala", "Uganda"),
    ("Dar es Salaam", "Tanzania"), ("Kinshasa", "DR Congo"), ("Luanda", "Angola"), ("Tunis", "Tunisia"),
    ("Dubai", "the UAE"), ("Abu Dhabi", "the UAE"), ("Riyadh", "Saudi Arabia"), ("Jeddah", "Saudi Arabia"),
    ("Doha", "Qatar"), ("Tehran", "Iran"), ("Baghdad", "Iraq"), ("Beirut", "Lebanon"), ("Amman", "Jordan"),
    ("Jerusalem", "Israel"), ("Tel Aviv", "Israel"), ("Karachi", "Pakistan"), ("Lahore", "Pakistan"),
    ("Islamabad", "Pakistan"), ("Mumbai", "India"), ("Delhi", "India"), ("Bangalore", "India"),
    ("Chennai", "India"), ("Kolkata", "India"), ("Hyderabad", "India"), ("Dhaka", "Bangladesh"),
    ("Colombo", "Sri Lanka"), ("Kathmandu", "Nepal"), ("Beijing", "China"), ("Shanghai", "China"),
    ("Shenzhen", "China"), ("Guangzhou", "China"), ("Chengdu", "China"), ("Wuhan", "China"),
    ("Hong Kong", "China"), ("Taipei", "Taiwan"), ("Tokyo", "Japan"), ("Osaka", "Japan"), ("Kyoto", "Japan"),
    ("Sapporo", "Japan"), ("Seoul", "South Korea"), ("Busan", "South Korea"), ("Manila", "the Philippines"),
    ("Cebu", "the Philippines"), ("Jakarta", "Indonesia"), ("Surabaya", "Indonesia"), ("Bangkok", "Thailand"),
    ("Chiang Mai", "Thailand"), ("Hanoi", "Vietnam"), ("Ho Chi Minh City", "Vietnam"),
    ("Kuala Lumpur", "Malaysia"), ("Singapore", "Singapore"), ("Sydney", "Australia"),
    ("Melbourne", "Australia"), ("Brisbane", "Australia"), ("Perth", "Australia"), ("Adelaide", "Australia"),
    ("Auckland", "New Zealand"), ("Wellington", "New Zealand"), ("Christchurch", "New Zealand"),
]  # fmt: skip

# Actors that are one named body with set aliases.
NAMED_ACTORS = [
    ("agency", ["Metropolitan Police", "the Met", "Scotland Yard", "London's Metropolitan Police Service"]),
    ("agency", ["World Health Organization", "the WHO", "the UN health agency"]),
    ("agency", ["European Commission", "Brussels", "the EU executive", "the Commission"]),
    ("agency", ["NASA", "the US space agency", "America's space agency"]),
    ("agency", ["European Space Agency", "ESA", "Europe's space agency"]),
    ("bank", ["Federal Reserve", "the Fed", "the US central bank"]),
    ("bank", ["Bank of England", "the BoE", "Threadneedle Street", "the UK central bank"]),
    ("bank", ["European Central Bank", "the ECB", "Frankfurt's central bank", "the eurozone's central bank"]),
    ("bank", ["Bank of Japan", "the BoJ", "Japan's central bank"]),
    ("agency", ["Federal Bureau of Investigation", "the FBI", "US federal agents"]),
    ("agency", ["National Crime Agency", "the NCA", "Britain's National Crime Agency"]),
    ("agency", ["Interpol", "the international police organisation", "Interpol officials"]),
    ("agency", ["Europol", "the EU police agency", "Europol investigators"]),
    ("agency", ["UN refugee agency", "UNHCR", "the UNHCR"]),
    ("agency", ["Red Cross", "the International Committee of the Red Cross", "the ICRC"]),
    ("agency", ["Medecins Sans Frontieres", "MSF", "Doctors Without Borders"]),
    ("agency", ["Amnesty International", "Amnesty", "the rights group Amnesty"]),
    ("agency", ["Greenpeace", "campaign group Greenpeace", "Greenpeace activists"]),
    ("agency", ["International Monetary Fund", "the IMF", "the Washington-based fund"]),
    ("agency", ["World Bank", "the World Bank", "the development lender"]),
    ("agency", ["Environment Agency", "England's Environment Agency", "the EA"]),
    ("agency", ["Food Standards Agency", "the FSA", "the food watchdog"]),
    ("agency", ["Information Commissioner's Office", "the ICO", "the UK data watchdog"]),
    ("agency", ["Competition and Markets Authority", "the CMA", "the UK competition watchdog"]),
    ("agency", ["Ofcom", "the media regulator Ofcom", "the communications watchdog"]),
    ("agency", ["Ofgem", "the energy regulator", "the energy watchdog Ofgem"]),
    ("agency", ["Securities and Exchange Commission", "the SEC", "the US markets regulator"]),
    ("agency", ["Federal Aviation Administration", "the FAA", "US aviation regulators"]),
    ("agency", ["Met Office", "the UK weather service", "Met Office forecasters"]),
    ("agency", ["National Weather Service", "the NWS", "US forecasters"]),
    ("court", ["Supreme Court", "the country's highest court", "Supreme Court justices"]),
    ("court", ["High Court", "a High Court judge", "the High Court in London"]),
    ("court", ["European Court of Human Rights", "the ECHR", "the Strasbourg court"]),
    ("court", ["International Criminal Court", "the ICC", "the Hague-based court"]),
    ("court", ["Court of Appeal", "appeal judges", "the appeal court"]),
    ("union", ["Unite", "the Unite union", "Unite members"]),
    ("union", ["Unison", "the public service union Unison", "Unison members"]),
    ("union", ["RMT", "the rail union RMT", "RMT members"]),
    ("union", ["British Medical Association", "the BMA", "the doctors' union"]),
    ("union", ["National Education Union", "the NEU", "the teachers' union"]),
    ("union", ["United Auto Workers", "the UAW", "US car workers' union"]),
]

COUNTRIES = [
    ("France", "French"), ("Germany", "German"), ("Spain", "Spanish"), ("Italy", "Italian"), ("Poland", "Polish"),
    ("Britain", "British"), ("Ireland", "Irish"), ("Japan", "Japanese"), ("India", "Indian"), ("Brazil", "Brazilian"),
    ("Canada", "Canadian"), ("Australia", "Australian"), ("Mexico", "Mexican"), ("Nigeria", "Nigerian"),
    ("Kenya", "Kenyan"), ("South Korea", "South Korean"), ("Sweden", "Swedish"), ("Norway", "Norwegian"),
    ("Greece", "Greek"), ("Turkey", "Turkish"), ("Egypt", "Egyptian"), ("Argentina", "Argentine"),
    ("Chile", "Chilean"), ("Portugal", "Portuguese"), ("the Netherlands", "Dutch"), ("Belgium", "Belgian"),
    ("Austria", "Austrian"), ("Denmark", "Danish"), ("Finland", "Finnish"), ("Indonesia", "Indonesian"),
    ("Thailand", "Thai"), ("Vietnam", "Vietnamese"), ("Pakistan", "Pakistani"), ("South Africa", "South African"),
    ("Ukraine", "Ukrainian"), ("Romania", "Romanian"), ("Hungary", "Hungarian"), ("Colombia", "Colombian"),
    ("Peru", "Peruvian"), ("New Zealand", "New Zealand"),
]  # fmt: skip
MINISTRIES = [
    ("health", "Ministry of Health", "health"),
    ("defence", "Ministry of Defence", "defence"),
    ("finance", "Finance Ministry", "finance"),
    ("transport", "Transport Ministry", "transport"),
    ("education", "Education Ministry", "education"),
    ("interior", "Interior Ministry", "interior"),
    ("environment", "Environment Ministry", "environment"),
]
COMPANY_STEMS = (
    "Nor Vel Astra Brig Cor Dun Elm Fal Gran Hal Ivor Jas Kel Lum Mar Nex Orb Pel Quin Ros Sel Tam Ul Vant Wex "
    "Yar Zen Arc Bel Cal"
).split()
COMPANY_ENDS = "vale tech ford mont wick ton ia ex ara is".split()
SECTORS = [
    ("Energy", "energy group"), ("Motors", "carmaker"), ("Airways", "airline"), ("Bank", "lender"),
    ("Pharma", "drugmaker"), ("Systems", "tech firm"), ("Retail", "retailer"), ("Foods", "food group"),
    ("Telecom", "telecoms operator"), ("Mining", "miner"), ("Steel", "steelmaker"), ("Media", "media group"),
]  # fmt: skip
CLUB_ENDS = ["United", "City", "Rovers", "Athletic", "Wanderers", "FC"]
UNIVERSITY_FORMS = ["University of {c}", "{c} University", "researchers at the University of {c}"]

PROVIDER_FIRST = (
    "Daily Morning Evening Sunday Weekly National Global Metro City County Northern Southern Western Eastern "
    "Coastal Valley Capital Central Independent Free"
).split()
PROVIDER_SECOND = (
    "Herald Times Post Chronicle Gazette Courier Mirror Journal Echo Observer Standard Record Wire".split()
)


def _actors() -> list[tuple[str, list[str]]]:
    actors = list(NAMED_ACTORS)
    for country, demonym in COUNTRIES:
        for _, ministry, short in MINISTRIES:
            actors.append(
                (
                    "government",
                    [f"{country}'s {ministry}", f"the {demonym} {short} ministry", f"{demonym} {short} officials"],
                )
            )
    rng = random.Random(7)
    names = sorted({stem + end for stem in COMPANY_STEMS for end in COMPANY_ENDS})
    for name in rng.sample(names, 150):
        suffix, description = rng.choice(SECTORS)
        actors.append(("company", [f"{name} {suffix}", name, f"the {description} {name}", f"{name} {suffix} plc"]))
    for city, _ in rng.sample(CITIES, 40):
        end = rng.choice(CLUB_ENDS)
        actors.append(("club", [f"{city} {end}", f"the {city} club", f"{end} ({city})"]))
    for city, _ in rng.sample(CITIES, 40):
        actors.append(("university", [form.format(c=city) for form in UNIVERSITY_FORMS]))
    return actors


ACTORS = _actors()

# (topic, actor kinds, base, third person, past, participle, objects (synonym sets), number unit)
ACTIONS = [
    ("Finance", {"bank"}, "raise", "raises", "raised", "raised", [["interest rates", "rates", "borrowing costs"]], "basis points"),
    ("Finance", {"bank"}, "cut", "cuts", "cut", "cut", [["interest rates", "rates", "borrowing costs"]], "basis points"),
    ("Finance", {"bank", "agency"}, "warn on", "warns on", "warned on", "warned on", [["inflation", "rising prices", "the cost of living"], ["growth", "the economic outlook", "the economy"]], "per cent"),
    ("Business", {"company"}, "cut", "cuts", "cut", "cut", [["jobs", "staff", "roles", "positions"]], "jobs"),
    ("Business", {"company"}, "announce", "announces", "announced", "announced", [["record profits", "bumper profits", "a jump in profits"], ["a share buyback", "a buyback", "a return to shareholders"]], "million dollars"),
    ("Business", {"company"}, "close", "closes", "closed", "closed", [["a factory", "a plant", "its production site"], ["stores", "shops", "branches"]], "workers"),
    ("Business", {"company"}, "open", "opens", "opened", "opened", [["a factory", "a plant", "a production site"], ["a headquarters", "a new head office", "a regional hub"], ["a data centre", "a server farm", "a computing hub"]], "jobs"),
    ("Business", {"company"}, "recall", "recalls", "recalled", "recalled", [["vehicles", "cars", "models"], ["products", "items", "goods"]], "units"),
    ("Business", {"company"}, "agree", "agrees", "agreed", "agreed", [["a takeover", "a merger", "a buyout deal"], ["a pay deal", "a wage agreement", "a pay settlement"]], "billion dollars"),
    ("Business", {"company"}, "fine", "fines", "fined", "fined", [["over data breach", "over a data leak", "for leaking customer data"]], "million pounds"),
    ("Technology", {"company"}, "launch", "launches", "launched", "launched", [["a chatbot", "an AI assistant", "a generative AI tool"], ["a smartphone", "a new handset", "a phone"], ["a satellite", "a spacecraft", "an orbital mission"]], "dollars"),
    ("Technology", {"company", "agency"}, "suffer", "suffers", "suffered", "suffered", [["a cyber attack", "a hack", "a ransomware attack"], ["an outage", "a systems failure", "an IT meltdown"]], "customers"),
    ("Technology", {"agency", "government"}, "ban", "bans", "banned", "banned", [["facial recognition", "live facial recognition", "face-scanning cameras"], ["TikTok on official phones", "the TikTok app on government devices", "TikTok for officials"]], "devices"),
    ("Policing", {"agency"}, "arrest", "arrests", "arrested", "arrested", [["suspects", "people", "alleged gang members"], ["protesters", "demonstrators", "activists"]], "people"),
    ("Policing", {"agency"}, "deploy", "deploys", "deployed", "deployed", [["facial recognition cameras", "live facial recognition", "face-scanning technology"], ["extra officers", "more police", "additional patrols"]], "officers"),
    ("Policing", {"agency"}, "seize", "seizes", "seized", "seized", [["cocaine", "drugs", "a record haul of cocaine"], ["weapons", "firearms", "guns"]], "kilograms"),
    ("Policing", {"agency", "government"}, "investigate", "investigates", "investigated", "investigated", [["a fraud", "alleged fraud", "a fraud scheme"], ["a data leak", "the leak of personal data", "a breach of records"]], "victims"),
    ("Courts", {"court"}, "rule against", "rules against", "ruled against", "ruled against", [["the government", "ministers", "the state"]], "judges"),
    ("Courts", {"court"}, "block", "blocks", "blocked", "blocked", [["deportation flights", "removals", "a deportation plan"], ["a merger", "a takeover", "a planned deal"]], "people"),
    ("Courts", {"court"}, "jail", "jails", "jailed", "jailed", [["a former minister", "an ex-minister", "a one-time minister"], ["fraudsters", "a fraud gang", "scammers"]], "years"),
    ("Health", {"government", "agency"}, "approve", "approves", "approved", "approved", [["a vaccine", "a new jab", "the vaccine"], ["a weight-loss drug", "an obesity drug", "a slimming jab"], ["a cancer drug", "a new cancer treatment", "a cancer medicine"]], "patients"),
    ("Health", {"government", "agency"}, "declare", "declares", "declared", "declared", [["an outbreak", "a disease outbreak", "an epidemic"], ["a health emergency", "a public health emergency", "an emergency"]], "cases"),
    ("Health", {"union"}, "strike over", "strikes over", "struck over", "struck over", [["pay", "wages", "a pay offer"], ["staffing", "staff shortages", "working conditions"]], "members"),
    ("Health", {"university"}, "find", "finds", "found", "found", [["a link between diet and dementia", "diet linked to dementia", "that diet affects dementia risk"], ["a new antibiotic", "an antibiotic candidate", "a bacteria-killing compound"]], "participants"),
    ("Science", {"university", "agency"}, "discover", "discovers", "discovered", "discovered", [["a new species", "a previously unknown species", "an undescribed species"], ["an exoplanet", "a planet beyond the solar system", "a distant world"], ["a fossil", "fossil remains", "an ancient skeleton"]], "million years"),
    ("Space", {"agency", "company"}, "launch", "launches", "launched", "launched", [["a rocket", "a launcher", "a heavy-lift rocket"], ["a Moon mission", "a lunar probe", "a mission to the Moon"]], "tonnes"),
    ("Climate", {"government", "agency"}, "unveil", "unveils", "unveiled", "unveiled", [["a climate plan", "emissions targets", "a net zero strategy"], ["a flood defence scheme", "flood defences", "a flood protection plan"]], "billion euros"),
    ("Climate", {"agency"}, "issue", "issues", "issued", "issued", [["a heat warning", "an extreme heat alert", "a heatwave warning"], ["a flood warning", "flood alerts", "a warning of flooding"], ["a storm warning", "a weather warning", "a red warning for wind"]], "degrees"),
    ("Energy", {"company", "government"}, "raise", "raises", "raised", "raised", [["energy prices", "bills", "household energy bills"], ["fuel prices", "petrol prices", "pump prices"]], "per cent"),
    ("Energy", {"company", "government"}, "build", "builds", "built", "built", [["a wind farm", "an offshore wind farm", "turbines"], ["a nuclear plant", "a nuclear reactor", "a reactor"], ["a solar farm", "solar panels", "a solar park"]], "megawatts"),
    ("Transport", {"union"}, "strike", "strikes", "struck", "struck", [["on the railways", "on trains", "on rail services"], ["at airports", "at the airport", "over airport pay"]], "workers"),
    ("Transport", {"government", "company"}, "cancel", "cancels", "cancelled", "cancelled", [["flights", "services", "routes"], ["a rail line", "a high-speed rail link", "a railway project"]], "passengers"),
    ("Transport", {"government"}, "approve", "approves", "approved", "approved", [["a new runway", "airport expansion", "a third runway"], ["a metro line", "an underground extension", "a tram line"]], "billion pounds"),
    ("Housing", {"government"}, "pledge", "pledges", "pledged", "pledged", [["new homes", "affordable housing", "social homes"]], "homes"),
    ("Education", {"government", "union"}, "reject", "rejects", "rejected", "rejected", [["a pay offer for teachers", "a teachers' pay deal", "teacher pay proposals"], ["exam reforms", "changes to exams", "the new exam plan"]], "schools"),
    ("Education", {"university"}, "cut", "cuts", "cut", "cut", [["courses", "degree programmes", "departments"], ["jobs", "staff", "academic posts"]], "staff"),
    ("Politics", {"government"}, "announce", "announces", "announced", "announced", [["tax cuts", "a cut in taxes", "lower taxes"], ["spending cuts", "austerity measures", "budget cuts"]], "billion euros"),
    ("Politics", {"government", "agency"}, "sanction", "sanctions", "sanctioned", "sanctioned", [["oligarchs", "business leaders", "wealthy individuals"], ["shipping firms", "tanker operators", "a shadow fleet"]], "individuals"),
    ("Defence", {"government"}, "order", "orders", "ordered", "ordered", [["fighter jets", "warplanes", "combat aircraft"], ["drones", "unmanned aircraft", "attack drones"], ["warships", "frigates", "naval vessels"]], "aircraft"),
    ("Sport", {"club"}, "sign", "signs", "signed", "signed", [["a striker", "a forward", "a goal scorer"], ["a goalkeeper", "a keeper", "a new number one"]], "million pounds"),
    ("Sport", {"club"}, "sack", "sacks", "sacked", "sacked", [["the manager", "its head coach", "the coach"]], "games"),
    ("Sport", {"club"}, "win", "wins", "won", "won", [["the cup final", "the final", "the cup"], ["the derby", "a local derby", "the derby match"]], "goals"),
    ("Culture", {"agency", "government", "university"}, "return", "returns", "returned", "returned", [["looted artefacts", "stolen antiquities", "looted treasures"], ["a painting", "a stolen painting", "an artwork"]], "objects"),
    ("Privacy", {"agency", "government"}, "fine", "fines", "fined", "fined", [["a social network", "a tech giant", "a social media firm"], ["a hospital trust", "a health provider", "an NHS trust"]], "million euros"),
]  # fmt: skip

QUOTE_OPENERS = [
    "We had no choice but to act on",
    "This is a turning point for",
    "Nobody should underestimate",
    "We will not back down on",
    "It is the right decision for",
    "Today we begin to fix",
    "We are listening to",
    "There is no quick answer to",
    "We owe it to families to tackle",
    "Nothing matters more than",
    "We have been clear about",
    "It has taken too long to address",
    "We are proud of",
    "It is a dark day for",
]
QUOTE_SUBJECTS = [
    "our communities",
    "the people of this region",
    "working families",
    "public trust",
    "our customers",
    "the next generation",
    "patients and staff",
    "our members",
    "local businesses",
    "the whole sector",
    "the most vulnerable",
    "everyone involved",
    "our partners abroad",
    "taxpayers",
    "young people",
    "the climate",
    "national security",
    "fair competition",
    "our supporters",
    "the rule of law",
]
FIRST_NAMES = (
    "Amara Ben Chloe Dmitri Elena Farid Grace Hiro Ines Jonas Kofi Lena Mateo Nadia Omar Priya Quentin Rosa "
    "Samir Tara Uma Viktor Wen Ximena Yusuf Zoe Aidan Beatriz Carlos Dana Emeka Freya Gustavo Hana Ivan Julia "
    "Kenji Leila Marco Nina Oscar Paula Rashid Sofia Tomas Ursula Vera William Yara Zainab"
).split()
LAST_NAMES = (
    "Adeyemi Bauer Castillo Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Larsen Moreau Nakamura "
    "Okafor Petrov Quinn Rossi Schmidt Tanaka Ueda Varga Walsh Xu Yilmaz Zhang Abbott Brennan Chowdhury Duarte "
    "Engel Fontaine Gallagher Horvath Iqbal Jovanovic Kaur Lindqvist Mensah Novak O'Brien Pereira Rahman Silva "
    "Thorne Usman Vasquez Weber Young Ziegler"
).split()
ROLES = ["a spokesperson", "the chief executive", "a senior official", "the director", "the chair", "a minister"]
FOLLOW_SUBJECTS = [
    "Critics",
    "Analysts",
    "Residents",
    "Opposition politicians",
    "Union leaders",
    "Economists",
    "Campaigners",
    "Industry groups",
    "Local officials",
    "Legal experts",
    "Observers",
    "Rival firms",
]
FOLLOW_CLAUSES = [
    "the decision came too late",
    "the move had been widely expected",
    "further details were needed",
    "the timing raised questions",
    "the plan would face legal challenges",
    "costs could rise sharply",
    "the change would take years to show results",
    "the announcement lacked detail",
    "similar steps elsewhere had failed",
    "the consultation had been rushed",
    "it set a worrying precedent",
    "the figures were likely to be revised",
    "more action would follow within months",
    "the measure was a welcome first step",
    "it would hit smaller groups hardest",
    "public pressure had forced the change",
    "the impact on prices was unclear",
    "talks had broken down",
    "an independent review should follow",
    "the risks had been played down",
    "it marked a change of course",
    "the budget would not cover it",
    "the numbers did not add up",
    "rivals were likely to follow",
]
FOLLOW_VERBS = ["said", "warned", "argued", "noted", "suggested", "insisted"]
NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
START = datetime(2024, 1, 1, tzinfo=UTC)
SIZE_WEIGHTS = [26, 20, 15, 9, 7, 5, 4, 4, 3, 3, 2, 2]  # articles per event, 1..12: many small, some 8+
MEAN_ARTICLES_PER_EVENT = sum((size + 1) * weight for size, weight in enumerate(SIZE_WEIGHTS)) / sum(SIZE_WEIGHTS)
PROVIDERS = sorted(
    {
        (f"The {first} {second}", f"{first}{second}.example".lower())
        for first in PROVIDER_FIRST
        for second in PROVIDER_SECOND
    }
)


def _number_phrase(rng: random.Random, value: int) -> str:
    if value <= 12 and rng.random() < 0.5:
        return NUMBER_WORDS[value]
    if value >= 1000 and rng.random() < 0.3:
        return f"more than {value // 100 * 100:,}" if value >= 10_000 else f"about {round(value, -2):,}"
    if value >= 1_000_000 and rng.random() < 0.5:
        return f"{value / 1_000_000:.1f} million"
    return f"{value:,}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _place_phrase(rng: random.Random, city: str, country: str) -> str:
    forms = [city, city, f"{city}, {country}", f"the city of {city}"]
    if city != country:
        forms.append(f"{city} in {country}")
    return rng.choice(forms)


def _quote(facts: dict) -> str:
    opener, subject = facts["quote"]
    return f"{QUOTE_OPENERS[opener]} {QUOTE_SUBJECTS[subject]}"


def _person(facts: dict) -> str:
    first, last, role = facts["person"]
    return f"{FIRST_NAMES[first]} {LAST_NAMES[last]}, {ROLES[role]}"


def _follow_up(rng: random.Random, facts: dict) -> str:
    if rng.random() < 0.5:
        return f"'{_quote(facts)},' said {_person(facts)}."
    return f"{rng.choice(FOLLOW_SUBJECTS)} {rng.choice(FOLLOW_VERBS)} {rng.choice(FOLLOW_CLAUSES)}."


def _headline(rng: random.Random, facts: dict, alias: str, obj: str, place: str, number: str) -> str:
    action = ACTIONS[facts["action"]]
    base, third, past, participle = action[2:6]
    unit = action[7]
    templates = [
        f"{_capital(alias)} {third} {obj} in {place}",
        f"{place}: {alias} {third} {obj}",
        f"{_capital(obj)} {participle} in {place} by {alias}",
        f"'{_quote(facts)}': {alias} {third} {obj} in {place}",
        f"Why has {alias} {participle} {obj} in {place}?",
        f"{_capital(alias)} {third} {obj} - {number} {unit}",
        f"{_capital(alias)} to {base} {obj} in {place}",
        f"{_capital(number)} {unit}: {alias} {past} {obj} in {place}",
        f"{_capital(obj)} {participle} as {alias} moves in {place}",
        f"Is {alias} right to {base} {obj}?",
    ]
    return rng.choice(templates)


def _excerpt(rng: random.Random, facts: dict, alias: str, obj: str, place: str, number: str, weekday: str) -> str:
    action = ACTIONS[facts["action"]]
    past, participle, unit = action[4], action[5], action[7]
    first = rng.choice(
        [
            f"{_capital(alias)} {past} {obj} in {place} on {weekday}, a move involving {number} {unit}.",
            f"{_capital(obj)} {'were' if obj.endswith('s') else 'was'} {participle} in {place} by {alias} on {weekday}; {number} {unit} are at stake.",
            f"On {weekday}, {alias} {past} {obj} in {place}, with {number} {unit} concerned.",
            f"In {place}, {alias} has {participle} {obj}, a decision that concerns {number} {unit}.",
            f"{_capital(number)} {unit} are caught up after {alias} {past} {obj} in {place}.",
        ]
    )
    return f"{first} {_follow_up(rng, facts)}"


def _articles(rng: random.Random, facts: dict, size: int, moment: datetime) -> list[Article]:
    actor_aliases = ACTORS[facts["actor"]][1]
    action = ACTIONS[facts["action"]]
    objects = action[6][facts["object"]]
    city, country = CITIES[facts["place"]]
    articles = []
    for name, domain in rng.sample(PROVIDERS, size):
        published = moment + timedelta(minutes=rng.randrange(48 * 60))
        number = _number_phrase(rng, facts["number"])
        weekday = WEEKDAYS[moment.weekday()]
        body = ""
        if rng.random() < 0.4:
            body = " ".join(_follow_up(rng, facts) for _ in range(3))
        articles.append(
            Article(
                provider_name=name,
                provider_domain=domain,
                published=published,
                title=_headline(
                    rng,
                    facts,
                    rng.choice(actor_aliases),
                    rng.choice(objects),
                    _place_phrase(rng, city, country),
                    number,
                ),
                excerpt=_excerpt(
                    rng,
                    facts,
                    rng.choice(actor_aliases),
                    rng.choice(objects),
                    _place_phrase(rng, city, country),
                    number,
                    weekday,
                ),
                body=body,
                topics=(action[0],),
            )
        )
    return articles


def _actor_for(rng: random.Random, action_index: int, avoid: int | None = None) -> int:
    kinds = ACTIONS[action_index][1]
    while True:
        actor = rng.randrange(len(ACTORS))
        if ACTORS[actor][0] in kinds and actor != avoid:
            return actor


def _other_place(rng: random.Random, place: int) -> int:
    while True:
        other = rng.randrange(len(CITIES))
        if other != place:
            return other


def generate(
    rng_seed: int,
    events: int,
    *,
    per_day: float = 600,
    start: datetime = START,
    hard_negative_share: float = 0.25,
) -> list[Event]:
    """`events` labelled events (hard negatives included), spread evenly over events / per_day days
    from `start`, so a larger set covers more days rather than crowding the same ones."""
    rng = random.Random(rng_seed)
    days = max(events / per_day, 1 / 24)
    taken: dict[tuple[int, int, int, int], list[float]] = {}  # (actor, action, object, place) -> days used
    generated: list[Event] = []

    def free(facts: dict) -> bool:
        key = (facts["actor"], facts["action"], facts["object"], facts["place"])
        return all(abs(day - facts["day"]) > 14 for day in taken.get(key, ()))

    def add(facts: dict, note: str = "", negative_of: str = "") -> Event:
        key = (facts["actor"], facts["action"], facts["object"], facts["place"])
        taken.setdefault(key, []).append(facts["day"])
        size = rng.choices(range(1, len(SIZE_WEIGHTS) + 1), SIZE_WEIGHTS)[0]
        moment = (start + timedelta(days=facts["day"])).replace(second=0, microsecond=0)
        event = Event(
            f"g{rng_seed}-{len(generated)}",
            _articles(rng, facts, size, moment),
            note,
            {**facts, "negative_of": negative_of, "moment": moment},
        )
        generated.append(event)
        return event

    def fresh(day: float) -> dict:
        while True:
            action = rng.randrange(len(ACTIONS))
            facts = {
                "actor": _actor_for(rng, action),
                "action": action,
                "object": rng.randrange(len(ACTIONS[action][6])),
                "place": rng.randrange(len(CITIES)),
                "number": _random_number(rng, ACTIONS[action][7]),
                "day": day,
                **_voice(rng),
            }
            if free(facts):
                return facts

    while len(generated) < events:
        day = rng.uniform(0, days)
        base = add(fresh(day))
        if len(generated) >= events or rng.random() >= hard_negative_share:
            continue
        kind = rng.randrange(3)
        facts = dict(base.facts)
        facts.pop("negative_of"), facts.pop("moment")
        facts["number"] = _random_number(rng, ACTIONS[facts["action"]][7])
        facts.update(
            {key: value for key, value in _voice(rng).items() if kind == 2 or key == "quote" or rng.random() < 0.5}
        )
        if kind == 0:
            facts["place"] = _other_place(rng, base.facts["place"])
            facts["day"] = base.facts["day"] + rng.uniform(-0.2, 0.2)
            note = f"hard negative of {base.id}: same actor and action, other place, same day"
        elif kind == 1:
            facts["day"] = base.facts["day"] + rng.uniform(14, 56)
            if rng.random() < 0.5:
                same_topic = [i for i, a in enumerate(ACTIONS) if a[0] == ACTIONS[base.facts["action"]][0]]
                facts["action"] = rng.choice(same_topic)
                facts["object"] = rng.randrange(len(ACTIONS[facts["action"]][6]))
            note = f"hard negative of {base.id}: same actor and place, weeks later"
        else:
            facts["actor"] = _actor_for(rng, base.facts["action"], avoid=base.facts["actor"])
            facts["place"] = _other_place(rng, base.facts["place"])
            facts["day"] = base.facts["day"] + rng.uniform(-1, 1)
            note = f"hard negative of {base.id}: same action, other actor and place"
        facts["day"] = max(facts["day"], 0.0)
        if free(facts):
            add(facts, note, base.id)
    return generated


def _random_number(rng: random.Random, unit: str) -> int:
    if unit.startswith(("million", "billion", "per cent", "basis", "degrees", "years", "goals", "games")):
        return rng.choice([rng.randint(2, 12), rng.randint(13, 99)])
    return rng.choice([rng.randint(2, 12), rng.randint(13, 999), rng.randint(1000, 99_999), rng.randint(10**5, 10**6)])


def _voice(rng: random.Random) -> dict:
    """Who speaks for an event and what they say: shared by its articles, as real reports quote the same
    statement."""
    return {
        "person": (rng.randrange(len(FIRST_NAMES)), rng.randrange(len(LAST_NAMES)), rng.randrange(len(ROLES))),
        "quote": (rng.randrange(len(QUOTE_OPENERS)), rng.randrange(len(QUOTE_SUBJECTS))),
    }


# ---------------------------------------------------------------------------------------------------
# Files


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "article"


def article_url(event: Event, position: int, article: Article) -> str:
    """Already in the importer's canonical form (lowercase, no tracking parameters), so an article's
    stored URL is the label's key as written."""
    day = article.published.strftime("%Y/%m/%d")
    return f"https://{article.provider_domain}/news/{day}/{_slug(event.id)}-{position}-{_slug(article.title)}"


def labelled_articles(events: list[Event]) -> list[tuple[str, str, Article]]:
    """(url, event id, article) for every article, in event order."""
    return [
        (article_url(event, position, article), event.id, article)
        for event in events
        for position, article in enumerate(event.articles)
    ]


def write_tree(events: list[Event], directory: str | Path, *, order_seed: int | None = None) -> list[Path]:
    """One file per article under `directory`, and labels.json (webUrl -> event id). With
    `order_seed`, files are numbered in a shuffled order, so a sorted walk meets them in another
    order. Returns the paths in walk order."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    items = labelled_articles(events)
    rng = random.Random(order_seed)
    if order_seed is not None:
        rng.shuffle(items)
    labels, paths = {}, []
    for number, (url, event_id, article) in enumerate(items):
        if url in labels:
            raise ValueError(f"two articles share the URL {url}")
        labels[url] = event_id
        data = {
            "title": article.title,
            "excerpt": article.excerpt,
            "publishedDateTime": article.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "webUrl": url,
            "originalUrl": url,
            "type": "article",
            "provider": {"name": article.provider_name, "domain": article.provider_domain},
            "topics": list(article.topics),
            "quality": rng.randint(0, 100),
            "published": True,
            "images": [{"url": f"https://img.{article.provider_domain}/{number}.jpg", "width": 1280, "height": 720}],
        }
        path = directory / f"{number // 1000:04d}" / f"{number:07d}.txt"
        path.parent.mkdir(exist_ok=True)
        text = "---\n" + yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096)
        path.write_text(text + "---\n" + (article.body + "\n" if article.body else ""), encoding="utf-8")
        paths.append(path)
    (directory / "labels.json").write_text(json.dumps(labels, indent=0), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------------------------------
# Scores


def bcubed(truth: dict, found: dict) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of grouping `found` against `truth` (item -> group id), over
    the items both hold."""
    items = [item for item in truth if item in found]
    if not items:
        return 0.0, 0.0, 0.0
    both: dict[tuple, int] = {}
    truth_size: dict = {}
    found_size: dict = {}
    for item in items:
        pair = (truth[item], found[item])
        both[pair] = both.get(pair, 0) + 1
        truth_size[truth[item]] = truth_size.get(truth[item], 0) + 1
        found_size[found[item]] = found_size.get(found[item], 0) + 1
    precision = recall = 0.0
    for (true_group, found_group), count in both.items():
        # each of the `count` items shares `count` items of both groups
        precision += count * count / found_size[found_group]
        recall += count * count / truth_size[true_group]
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


STOP_WORDS = frozenset(
    "a an the and or but of in on at to for from by with as is are was were be been has have had it its this "
    "that these those after before over under into out up down about than then so not no new says said will "
    "would can could may might also who what why how when where which their there they them he she his her we "
    "our you your i more most some any all one two".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> frozenset[str]:
    return frozenset(word for word in _WORD.findall(text.lower()) if word not in STOP_WORDS)


def baseline(
    articles: list[tuple[str, datetime, str]], thresholds: list[float], window: timedelta = timedelta(hours=72)
) -> dict[float, dict[str, int]]:
    """The naive grouping to beat: join (union-find) two articles published within `window` of each
    other whose title+excerpt word sets have Jaccard similarity >= t. `articles` are (key, published,
    text); returns key -> group for each threshold."""
    ordered = sorted(articles, key=lambda item: item[1])
    sets = [words(text) for _, _, text in ordered]
    times = [moment.timestamp() for _, moment, _ in ordered]
    span = window.total_seconds()
    lowest = min(thresholds)
    postings: dict[str, list[int]] = {}
    starts: dict[str, int] = {}
    pairs: list[tuple[float, int, int]] = []
    for index, mine in enumerate(sets):
        shared: dict[int, int] = {}
        for word in mine:
            posting = postings.setdefault(word, [])
            start = starts.get(word, 0)
            while start < len(posting) and times[index] - times[posting[start]] > span:
                start += 1
            starts[word] = start
            for other in posting[start:]:
                shared[other] = shared.get(other, 0) + 1
            posting.append(index)
        for other, count in shared.items():
            similarity = count / (len(mine) + len(sets[other]) - count)
            if similarity >= lowest:
                pairs.append((similarity, index, other))
    groupings = {}
    for threshold in thresholds:
        parent = list(range(len(ordered)))
        for similarity, first, second in pairs:
            if similarity >= threshold:
                parent[_root(parent, first)] = _root(parent, second)
        groupings[threshold] = {ordered[index][0]: _root(parent, index) for index in range(len(ordered))}
    return groupings


def _root(parent: list[int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node
