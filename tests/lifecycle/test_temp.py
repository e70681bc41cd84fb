from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from shared_code.core import names
from shared_code.core.config import StorageSettings
from shared_code.core.storage import BlobStore
from shared_code.lifecycle.temp import purge_temp


def test_only_blobs_older_than_the_retention_are_purged(azurite_connection_string):
    blobs = BlobStore.from_settings(StorageSettings(connection_string=SecretStr(azurite_connection_string)))
    blobs.ensure_containers([names.TEMP])
    for name in ("purge/a.bin", "purge/b.bin"):
        blobs.upload_bytes(names.TEMP, name, b"scratch")
    now = datetime.now(UTC)
    retention = timedelta(days=names.TEMP_RETENTION_DAYS)

    # GIVEN blobs written just now WHEN the purge runs today THEN nothing young is deleted
    kept = purge_temp(blobs, now=now, retention=retention)
    assert kept.deleted == 0 and kept.examined >= 2
    assert blobs.exists(names.TEMP, "purge/a.bin")

    # WHEN it runs eight days later THEN both are gone, and a second run finds nothing to do
    later = now + retention + timedelta(days=1)
    assert purge_temp(blobs, now=later, retention=retention).deleted >= 2
    assert not blobs.exists(names.TEMP, "purge/a.bin") and not blobs.exists(names.TEMP, "purge/b.bin")
    assert purge_temp(blobs, now=later, retention=retention).deleted == 0
