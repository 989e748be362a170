"""scikit-learn peer for the quality and speed benchmarks (Debian's python3-sklearn).

Usage: /usr/bin/python3 bench/sklearn_themes.py FILE K SEED [ngram_max] [algo] [n_init]
Reads JSONL with title, abstract and primary_category; prints one JSON line with NMI, ARI
and times. The vectorizer gets the same min_df / max_df / sublinear tf as papertrends.
"""
import gzip
import json
import resource
import sys
import time

from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

path, k, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ngram_max = int(sys.argv[4]) if len(sys.argv) > 4 else 2
algo = sys.argv[5] if len(sys.argv) > 5 else "kmeans"
n_init = int(sys.argv[6]) if len(sys.argv) > 6 else 1

t0 = time.perf_counter()
docs, labels = [], []
with (gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")) as f:
    for line in f:
        r = json.loads(line)
        docs.append(r["title"] + "\n" + r["abstract"])
        labels.append(r.get("primary_category") or (r.get("categories") or [None])[0])
t1 = time.perf_counter()
x = TfidfVectorizer(ngram_range=(1, ngram_max), min_df=5, max_df=0.5, stop_words="english", sublinear_tf=True).fit_transform(docs)
t2 = time.perf_counter()
if algo == "minibatch":
    model = MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=n_init, batch_size=4096)
else:
    model = KMeans(n_clusters=k, random_state=seed, n_init=n_init)
pred = model.fit_predict(x)
t3 = time.perf_counter()
print(json.dumps({
    "papers": len(docs), "vocabulary": x.shape[1], "algo": algo, "n_init": n_init,
    "readSeconds": t1 - t0, "vectorizeSeconds": t2 - t1, "clusterSeconds": t3 - t2,
    "maxRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "nmi": normalized_mutual_info_score(labels, pred), "ari": adjusted_rand_score(labels, pred),
}))
