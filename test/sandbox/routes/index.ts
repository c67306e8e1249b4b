/** The route table: every path the sandbox serves. */
import type { Exchange } from '../state/exchange';
import { accountRoutes } from './account';
import { assetRoutes } from './asset';
import { convertRoutes } from './convert';
import { marketRoutes } from './market';
import { orderRoutes } from './order';
import { positionRoutes } from './position';
import { preCheckRoutes } from './preCheck';
import { table, type RouteTable } from './route';
import { spotMarginRoutes } from './spotMargin';
import { spotMarginFixedRoutes } from './spotMarginFixed';
import { userRoutes } from './user';

export function buildRoutes(ex: Exchange): RouteTable {
	return table(marketRoutes, orderRoutes, positionRoutes, accountRoutes, assetRoutes(ex), userRoutes, spotMarginRoutes, spotMarginFixedRoutes, convertRoutes, preCheckRoutes);
}
