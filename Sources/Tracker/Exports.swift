// The delivery layer (client, batches, spool, configuration, errors) is part of the SDK's API.
@_exported import TrackerDelivery
