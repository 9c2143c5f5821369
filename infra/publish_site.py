#!/usr/bin/env python3
"""Publishes a built site folder to its S3 bucket, sending only what changed.

A manifest kept beside the site in the bucket (MANIFEST_KEY) holds, for every published file,
the SHA-256 of its bytes and the headers it was uploaded with. A publish hashes the local files,
uploads those whose hash or headers differ from the manifest (assets before pages, so no page
points at a file not there yet), writes the new manifest, deletes what the build no longer makes,
and invalidates only the changed addresses in CloudFront, or everything ("/*") when more than
--max-paths addresses changed (one wildcard costs less than many paths).

Timestamps are never compared: a fresh build makes every file newer, which is why `aws s3 sync`
sent the whole site every hour. Without a manifest (first publish) every file is uploaded and
every object not in the build is deleted.

Usage: publish_site.py PUBLIC_DIR --bucket NAME [--distribution ID] [--endpoint-url URL]
                       [--max-paths N] [--report FILE]
Prints one summary line; --report writes the same figures and the keys sent as JSON.
"""

import argparse
import concurrent.futures
import hashlib
import json
import mimetypes
import os
import re
import sys
import time

import boto3
import botocore.exceptions

MANIFEST_KEY = ".publish-manifest.json"
# Pages, feeds, calendars and the sitemap change whenever a status does (hourly at most):
# browsers keep them 5 minutes; CloudFront drops its copies at the invalidation.
SHORT = "public, max-age=300"
# Fingerprinted assets (name.<8+ hex digits>.ext) never change under one name: a year.
IMMUTABLE = "public, max-age=31536000, immutable"
# Other assets may change with any deploy: an hour, so a theme change reaches browsers that day.
HOUR = "public, max-age=3600"
PAGE_SUFFIXES = (".html", ".xml", ".ics", ".json", ".txt", ".webmanifest")
HASHED = re.compile(r"\.[0-9a-f]{8,}[^/]*\.[^./]+$")
TYPES = {
    ".ics": "text/calendar; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


def cache_control(key):
    if HASHED.search(key):
        return IMMUTABLE
    if key.endswith(PAGE_SUFFIXES):
        return SHORT
    return HOUR


def content_type(key):
    ext = os.path.splitext(key)[1]
    if ext in TYPES:
        return TYPES[ext]
    guessed = mimetypes.guess_type(key)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def local_files(public):
    """Key -> (path, manifest entry) for every file under `public`."""
    files = {}
    for folder, _, names in os.walk(public):
        for name in names:
            path = os.path.join(folder, name)
            key = os.path.relpath(path, public).replace(os.sep, "/")
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            entry = {"sha256": digest, "type": content_type(key), "cache": cache_control(key)}
            files[key] = (path, entry)
    return files


def read_manifest(s3, bucket):
    """The published manifest, or None when there is none (or it is unreadable)."""
    try:
        body = s3.get_object(Bucket=bucket, Key=MANIFEST_KEY)["Body"].read()
        manifest = json.loads(body)
        return manifest["files"] if manifest.get("version") == 1 else None
    except s3.exceptions.NoSuchKey:
        return None
    except (ValueError, KeyError, TypeError):
        print("publish-site: the manifest is unreadable: publishing everything", file=sys.stderr)
        return None


def bucket_keys(s3, bucket):
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.update(o["Key"] for o in page.get("Contents", []))
    keys.discard(MANIFEST_KEY)
    return keys


def addresses(key):
    """The addresses readers use for `key`: a folder's index.html is also the folder."""
    paths = ["/" + key]
    if key == "index.html" or key.endswith("/index.html"):
        paths.append("/" + key[: -len("index.html")])
    return paths


def upload(s3, bucket, key, path, entry):
    with open(path, "rb") as f:
        s3.put_object(Bucket=bucket, Key=key, Body=f.read(), ContentType=entry["type"],
                      CacheControl=entry["cache"])
    return os.path.getsize(path)


def publish(public, bucket, distribution=None, endpoint_url=None, max_paths=100):
    session = boto3.session.Session()
    s3 = session.client("s3", endpoint_url=endpoint_url)
    files = local_files(public)
    if "index.html" not in files:
        sys.exit(f"publish-site: {public}/index.html missing: run site-gen build")
    old = read_manifest(s3, bucket)
    changed = sorted(k for k, (_, entry) in files.items() if old is None or old.get(k) != entry)
    previous = set(old) if old is not None else bucket_keys(s3, bucket)
    removed = sorted(previous - set(files))

    # Assets first, pages next: a new page never points at an asset not uploaded yet.
    assets = [k for k in changed if not k.endswith(PAGE_SUFFIXES)]
    pages = [k for k in changed if k.endswith(PAGE_SUFFIXES)]
    sent_bytes = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        for batch in (assets, pages):
            jobs = [pool.submit(upload, s3, bucket, k, *files[k]) for k in batch]
            sent_bytes += sum(job.result() for job in jobs)
    # The manifest only after every upload: a publish that fails halfway sends the rest next time.
    manifest = {"version": 1, "files": {k: entry for k, (_, entry) in sorted(files.items())}}
    s3.put_object(Bucket=bucket, Key=MANIFEST_KEY, Body=json.dumps(manifest).encode(),
                  ContentType="application/json", CacheControl="no-store")
    # Old versions stay in the versioned bucket (30 days), so a deletion can be undone.
    for start in range(0, len(removed), 1000):
        chunk = removed[start:start + 1000]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk],
                                                 "Quiet": True})

    paths = sorted({p for k in changed + removed for p in addresses(k)})
    if len(paths) > max_paths:
        paths = ["/*"]
    invalidation = None
    if distribution and paths:
        cloudfront = session.client("cloudfront", endpoint_url=endpoint_url)
        invalidation = cloudfront.create_invalidation(
            DistributionId=distribution,
            InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths},
                               "CallerReference": f"publish-site-{time.time_ns()}"},
        )["Invalidation"]["Id"]
    return {
        "files": len(files),
        "uploaded": changed,
        "uploaded_bytes": sent_bytes,
        "deleted": removed,
        "invalidated": paths if distribution else [],
        "invalidation": invalidation,
        "full": old is None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("public")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--distribution")
    parser.add_argument("--endpoint-url", help="an S3/CloudFront emulator (tests)")
    parser.add_argument("--max-paths", type=int, default=100,
                        help="invalidate /* when more addresses than this changed")
    parser.add_argument("--report", help="write the figures and keys as JSON here")
    args = parser.parse_args()
    try:
        result = publish(args.public, args.bucket, args.distribution, args.endpoint_url,
                         args.max_paths)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        sys.exit(f"publish-site: {e}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump(result, f, indent=1)
    pages = sum(1 for k in result["uploaded"] if k.endswith(".html"))
    print(f"publish-site: {len(result['uploaded'])} of {result['files']} files sent "
          f"({pages} pages, {result['uploaded_bytes']} bytes), {len(result['deleted'])} deleted, "
          f"{len(result['invalidated'])} paths invalidated"
          + (" (no manifest: full publish)" if result["full"] else ""))


if __name__ == "__main__":
    main()
