/**
 * The example's training pairs: 32 short English (query, positive) pairs, written for this example,
 * four per topic, so in-batch negatives are mostly other topics. And the query the page embeds after
 * training. Data, not code.
 */
export const PAIRS: readonly { readonly query: string; readonly positive: string }[] = [
  { query: 'what colour is the sky', positive: 'the sky is blue on a clear day' },
  { query: 'why is the sky blue', positive: 'air scatters blue light more than red' },
  { query: 'when is the sky red', positive: 'at sunset the sky can turn red' },
  { query: 'what are clouds made of', positive: 'clouds are tiny drops of water in the air' },
  { query: 'how do cats sleep', positive: 'a cat sleeps for most of the day' },
  { query: 'what do cats eat', positive: 'cats eat meat and fish' },
  { query: 'why do cats purr', positive: 'a cat purrs when it is calm and happy' },
  { query: 'can cats swim', positive: 'most cats can swim but do not like water' },
  { query: 'how is bread made', positive: 'bread is baked from flour, water and yeast' },
  { query: 'why does bread rise', positive: 'yeast makes gas that lifts the dough' },
  { query: 'how long does bread keep', positive: 'fresh bread keeps for a few days' },
  { query: 'what is whole grain bread', positive: 'whole grain bread uses the entire seed' },
  { query: 'how fast is a train', positive: 'a fast train runs at three hundred kilometres an hour' },
  { query: 'who drives a train', positive: 'a driver sits in the cab at the front' },
  { query: 'what pulls a train', positive: 'a locomotive pulls the carriages along the rails' },
  { query: 'where does a train stop', positive: 'trains stop at stations along the line' },
  { query: 'how do plants grow', positive: 'plants grow from light, water and soil' },
  { query: 'why are leaves green', positive: 'chlorophyll in leaves absorbs red and blue light' },
  { query: 'when do trees lose leaves', positive: 'many trees drop their leaves in autumn' },
  { query: 'what do roots do', positive: 'roots take up water from the ground' },
  { query: 'how does the heart work', positive: 'the heart pumps blood around the body' },
  { query: 'how fast does a heart beat', positive: 'a resting heart beats about seventy times a minute' },
  { query: 'what carries blood', positive: 'arteries and veins carry the blood' },
  { query: 'why do we need sleep', positive: 'sleep lets the brain and body recover' },
  { query: 'how is music written', positive: 'composers write notes on a staff' },
  { query: 'what is a piano', positive: 'a piano has keys that strike strings' },
  { query: 'how many strings has a guitar', positive: 'a guitar usually has six strings' },
  { query: 'what is rhythm', positive: 'rhythm is the pattern of beats in music' },
  { query: 'how deep is the ocean', positive: 'the ocean is four kilometres deep on average' },
  { query: 'why is the sea salty', positive: 'rivers carry salt from rocks into the sea' },
  { query: 'what lives in the ocean', positive: 'fish, whales and coral live in the sea' },
  { query: 'what causes waves', positive: 'wind blowing over the water makes waves' },
];

export const QUERY = 'why do cats purr';
