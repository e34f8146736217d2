/**
 * Whole words of the preset vocabularies: the words that image captions and caption prompts use most,
 * so that a prompt such as "a picture of" and typical captions tokenize to whole words.
 * Single letters are not listed because every preset vocabulary has all of them already. Most regular
 * plurals are left out too: the vocabulary's "##s" piece turns "cats" into "cat" + "##s", as BERT does for
 * many words.
 */

const FUNCTION_WORDS = `
an the this that these those some many several few each every other another his her their its our my your
he she they it we you him them me us who which what where when how why there here one two three four five
six seven eight nine ten eleven twelve dozen hundred first second third both all no not only just very too
more most much lots lot group pair couple bunch of on in at with without by near next to from into onto over
under above below behind beside between through across along around inside outside up down off out for
about against during while and or but as than then like together is are was were be been being has have
had do does don can will would could should may might get got so if also`;

const PEOPLE = `
man men woman women person people boy girl child children kid baby babies lady ladies guy
player family friend crowd team student teacher doctor police officer soldier
worker chef cook skier surfer skateboarder rider driver tourist bride groom mother father
son daughter brother sister grandmother grandfather toddler teenager adult audience fan
customer passenger pedestrian`;

const BODY_AND_CLOTHING = `
hand head face hair eye mouth arm leg foot feet shirt dress hat cap helmet
jacket coat suit tie glasses sunglasses jeans pants shorts shoes boots uniform scarf
backpack bag purse umbrella mask costume sweater hoodie vest skirt wetsuit`;

const ANIMALS = `
dog cat horse cow cattle sheep bird elephant giraffe zebra
bear teddy duck fish puppy kitten animal goat pig chicken lion tiger monkey
deer rabbit mouse squirrel pigeon seagull owl parrot swan goose geese`;

const VEHICLES = `
car truck bus buses train bike bicycle motorcycle boat
plane airplane jet helicopter van taxi tractor scooter vehicle ship kayak canoe
subway tram cart wagon`;

const PLACES = `
street road city town field grass grassy park beach ocean sea water lake river
mountain hill snow sky sun cloud tree forest woods garden yard house home
building room kitchen bathroom bedroom living office store shop market restaurant cafe bar
station airport runway track sidewalk bridge tower church school stadium court pool desert farm
zoo pen fence wall window door floor ceiling roof stairs intersection highway path trail
shore sand wave rock dirt mud area lawn pasture enclosure platform dock harbor downtown
village countryside island valley waterfall pond`;

const OBJECTS = `
table chair bench benches couch sofa bed pillow blanket desk lamp light
sign pole clock tv television computer laptop keyboard phone cell screen
monitor remote book paper newspaper picture photo photograph image painting
frame mirror vase flower plant pot bowl plate cup mug glass bottle
wine beer coffee tea fork knife spoon sink toilet tub shower towel refrigerator fridge oven stove
microwave counter cabinet shelf shelves box boxes basket ball frisbee kite skateboard
surfboard snowboard racket bat glove toy doll luggage suitcase cake pizza
sandwich sandwiches food fruit banana apple orange broccoli carrots
vegetables meat bread donut salad rice cheese egg soup dessert chocolate candle
balloon flag hydrant fire traffic stop meter bucket rope net ladder tent statue
fountain kitchenware scissors teeth toothbrush tray tablecloth curtain rug carpet`;

const COLOURS_AND_ADJECTIVES = `
white black red blue green yellow brown gray grey pink purple dark bright colorful silver gold large small
big little tall short long old young new empty full open closed wooden metal plastic stone brick clean
dirty wet dry cold warm hot sunny cloudy snowy rainy busy crowded beautiful cute pretty happy different
various same high low wide narrow round square flat tiny huge giant fresh delicious modern vintage
antique lush sandy rocky calm dense`;

const VERBS = `
sitting standing holding walking running riding playing eating drinking looking wearing lying laying
sleeping flying swimming jumping smiling talking reading cooking driving carrying waiting posing throwing
catching hitting kicking skiing surfing skateboarding snowboarding working watching using cutting crossing
parked parking grazing hanging covered filled made topped stacked leaning kneeling climbing dancing singing
laughing pointing touching feeding petting hugging kissing shaking brushing writing painting drawing typing
texting taking making getting going coming moving pulling pushing floating sailing rowing fishing hiking
biking camping shopping selling serving preparing sliding swinging resting relaxing sit stand
hold walk run ride play eat look wear sleep fly flies
swim jump smile take make see show sat stood lined surrounded decorated displayed shown
seen taken filled`;

const SCENES = `
game match tennis baseball soccer football basketball sport sports skate surf ski slope race competition
event party wedding birthday view scene shot close closeup background foreground day night morning
evening time sunset sunrise shadow display collection variety selfie`;

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

/**
 * Caption words in a fixed order, without duplicates (a word listed under two topics is kept once).
 * Each word has two or more letters a-z, so that BERT's pre-tokenizer keeps it in one piece.
 */
export const CAPTION_WORDS: readonly string[] = Object.freeze(
  [
    ...new Set(
      [FUNCTION_WORDS, PEOPLE, BODY_AND_CLOTHING, ANIMALS, VEHICLES, PLACES, OBJECTS, COLOURS_AND_ADJECTIVES, VERBS, SCENES]
        .flatMap(splitWords)
        .filter((word) => /^[a-z]{2,}$/.test(word)),
    ),
  ],
);
