// Deep imports of natural's submodules: importing the package root loads its storage
// back-ends, which print dotenv banners to stdout.
declare module "natural/lib/natural/stemmers/porter_stemmer.js" {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
declare module "natural/lib/natural/util/stopwords.js" {
  export const words: string[];
}
declare module "natural/lib/natural/tokenizers/regexp_tokenizer.js" {
  const tokenizers: {
    RegexpTokenizer: new (options: { pattern: RegExp; gaps?: boolean; discardEmpty?: boolean }) => {
      tokenize(text: string): string[] | null;
    };
  };
  export default tokenizers;
}
